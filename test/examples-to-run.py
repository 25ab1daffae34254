#! /usr/bin/env python3
# A list of C++ examples to run in order to ensure that they remain buildable and runnable
# over time, in ns-3's format. Each tuple has the example's command line, a condition for
# running it and a condition for running it under valgrind.
#
# The marl-lb-examples test suite runs every entry and compares its output with
# test/reference/<program>-<n>.reflog. Arguments keep each run short and its output free of
# wall-clock figures.

cpp_examples = [
    ("marl-lb-testbed --method=all --duration=4 --drain=2 --print-speed=false", "True", "False"),
    ("marl-lb-compare --methods=ecmp,lsq,sed --rates=350,400 --runs=2 --duration=3 --progress=0",
     "True", "False"),
    ("marl-lb-large-scale --methods=ecmp,sed --duration=2 --drain=2 --print-speed=false", "True",
     "False"),
]

# No Python examples.
python_examples = []
