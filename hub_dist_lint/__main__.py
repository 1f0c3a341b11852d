import sys

from .cli import fix_main, lint_main

if __name__ == "__main__":
    if len(sys.argv) > 1 and sys.argv[1] == "fix":
        sys.exit(fix_main(sys.argv[2:]))
    sys.exit(lint_main())
