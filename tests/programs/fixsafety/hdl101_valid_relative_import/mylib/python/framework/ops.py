def describe():
    return "mylib's own ops"
