validate /nonexistent/scenario.json
