place --tasks 3
