validate scenarios/step-module-fixed.json --quiet 2>&1
