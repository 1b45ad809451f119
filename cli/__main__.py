"""`python -m mrv.cli`: the same as the `mrv` command."""

from mrv.cli import main

main()
