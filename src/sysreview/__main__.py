"""``python -m sysreview``: the same command line as the ``sysreview`` console script."""

from sysreview.entry import main

if __name__ == "__main__":
    main()
