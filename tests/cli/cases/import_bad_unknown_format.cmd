import cloudformation stack.json
