"""Figures that tests measure (fuzz case counts, fault-test tallies), printed at the end of the run."""

FIGURES = []


def report(line):
    """Keep a figure for the terminal summary (and print it for -s runs)."""
    FIGURES.append(line)
    print(line)
