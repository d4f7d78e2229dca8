# Shortcuts for the scripts in deploy/dev (each installs what it needs and builds first).
.PHONY: demo test bench bench-quick bench-streams bench-micro

demo:
	bash deploy/dev/demo.sh

test:
	bash deploy/dev/test.sh

bench:
	bash deploy/dev/bench.sh load

bench-quick:
	bash deploy/dev/bench.sh load --quick

bench-streams:
	bash deploy/dev/bench.sh streams

bench-micro:
	bash deploy/dev/bench-micro.sh
