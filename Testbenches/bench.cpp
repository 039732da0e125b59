// Simulation speed of a Verilator model, for `make bench`: random inputs
// every cycle (an xorshift generator, so no file parsing is timed), one
// falling and one rising clock evaluation per cycle.
//
// usage: bench CYCLES   prints "cycles=N seconds=S"

#include <chrono>
#include <cstdint>
#include <cstdio>
#include <cstdlib>

#include "Vdut.h"
#include "verilated.h"

#include "ports.inc"

static uint64_t state = 0x9E3779B97F4A7C15ull;
static uint32_t next32() {
    state ^= state << 13;
    state ^= state >> 7;
    state ^= state << 17;
    return (uint32_t)state;
}
template <typename T> static void randomize(T& port, int width) {
    uint64_t v = ((uint64_t)next32() << 32) | next32();
    port = (T)(width >= 64 ? v : v & ((1ull << width) - 1));
}
template <std::size_t N> static void randomize(VlWide<N>& port, int width) {
    for (std::size_t i = 0; i < N; ++i) port[i] = next32();
    if (width % 32) port[N - 1] &= (1u << (width % 32)) - 1;
}

int main(int argc, char** argv) {
    long cycles = argc > 1 ? atol(argv[1]) : 100000;
    VerilatedContext ctx;
    Vdut dut(&ctx);
#if HWGEN_HAS_RST
    dut.rst = 0;
#endif
    auto t0 = std::chrono::steady_clock::now();
    for (long c = 0; c < cycles; ++c) {
#define RANDOM_INPUT(name, width) randomize(dut.name, width);
        HWGEN_INPUTS(RANDOM_INPUT)
#if HWGEN_HAS_CLK
        dut.clk = 0;
        dut.eval();
        dut.clk = 1;
#endif
        dut.eval();
    }
    double s = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    printf("cycles=%ld seconds=%.6f\n", cycles, s);
    dut.final();
    return 0;
}
