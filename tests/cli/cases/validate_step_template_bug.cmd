validate scenarios/step-module-template-bug.json --quiet
