# The README's two commands: `make demo` and `make check`.
# Everything real is in meson.build and scripts/; this file only strings them together.

BUILD      ?= build
BUILD_ASAN ?= build-asan
BUILD_FUZZ ?= build-fuzz
FUZZ_SECONDS ?= 60

.PHONY: all deps build asan fuzz demo check unit integration clean format

all: build

deps:
	@./scripts/install-deps.sh

$(BUILD)/build.ninja:
	meson setup $(BUILD) --buildtype=debugoptimized

build: deps $(BUILD)/build.ninja
	ninja -C $(BUILD)

$(BUILD_ASAN)/build.ninja:
	meson setup $(BUILD_ASAN) --buildtype=debug -Db_sanitize=address,undefined -Db_lundef=false

asan: deps $(BUILD_ASAN)/build.ninja
	ninja -C $(BUILD_ASAN)

$(BUILD_FUZZ)/build.ninja:
	CC=clang meson setup $(BUILD_FUZZ) --buildtype=debugoptimized -Dfuzz=true -Dtests=false \
		-Db_sanitize=address,undefined -Db_lundef=false

fuzz: deps $(BUILD_FUZZ)/build.ninja
	ninja -C $(BUILD_FUZZ)

# The offline tools on the example zone, then the chain-of-trust story on
# loopback (signetd x3, signet-resolver, signet trace, a forged record).
demo: build
	./scripts/demo.sh $(BUILD)
	./scripts/demo-chain.sh $(BUILD)

check: build asan fuzz
	FUZZ_SECONDS=$(FUZZ_SECONDS) ./scripts/run-tests.sh $(BUILD) $(BUILD_ASAN) $(BUILD_FUZZ)

clean:
	rm -rf $(BUILD) $(BUILD_ASAN) $(BUILD_FUZZ)

format:
	clang-format -i $$(git ls-files '*.c' '*.h')
