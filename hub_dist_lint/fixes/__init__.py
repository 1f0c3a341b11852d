"""Fix planning that is more than a rule module should hold."""
