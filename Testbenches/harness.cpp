// hwgen's generic Verilator testbench.
//
// The design-specific part is only `ports.inc`, written by hwgen: the lists
// of input and compared output ports with their widths. This file drives the
// inputs cycle by cycle from a vector file, samples the outputs before each
// rising clock edge, and compares every output transaction (in order, and
// on its expected cycle when one is given) with the golden model's.
//
// usage: sim DESIGN STIMULUS EXPECTED [--cycles] [TRACE.vcd]
//   STIMULUS: one line per cycle, one hex value per input port (port order)
//   EXPECTED: one line per transaction: cycle (-1: any) then a hex value per port
//   --cycles: print "TX cycle=C" for every transaction (reports measure
//             latency and throughput from them)

#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include "Vdut.h"
#include "verilated.h"
#if VM_TRACE
#include "verilated_vcd_c.h"
#endif

#include "ports.inc"

typedef std::vector<uint32_t> Words;  // little-endian 32-bit words

static Words parseHex(const std::string& s, int width) {
    Words w((width + 31) / 32, 0);
    int bit = 0;
    for (int i = (int)s.size() - 1; i >= 0 && bit < (int)w.size() * 32; --i, bit += 4) {
        char c = s[i];
        uint32_t d = (c >= '0' && c <= '9') ? c - '0' : (c >= 'a' && c <= 'f') ? c - 'a' + 10
                   : (c >= 'A' && c <= 'F') ? c - 'A' + 10 : 0;
        w[bit / 32] |= d << (bit % 32);
    }
    return w;
}

static std::string toHex(const Words& w, int width) {
    std::string s;
    int digits = (width + 3) / 4;
    for (int i = digits - 1; i >= 0; --i) {
        uint32_t d = (w[(i * 4) / 32] >> ((i * 4) % 32)) & 0xf;
        s += "0123456789abcdef"[d];
    }
    size_t nz = s.find_first_not_of('0');
    return nz == std::string::npos ? "0" : s.substr(nz);
}

// Port access for each Verilator storage class (CData ... QData, VlWide).
template <typename T> static void put(T& port, const Words& w) {
    uint64_t v = w[0];
    if (w.size() > 1) v |= (uint64_t)w[1] << 32;
    port = (T)v;
}
template <std::size_t N> static void put(VlWide<N>& port, const Words& w) {
    for (std::size_t i = 0; i < N; ++i) port[i] = i < w.size() ? w[i] : 0;
}
template <typename T> static Words get(const T& port, int width) {
    Words w((width + 31) / 32, 0);
    uint64_t v = (uint64_t)port;
    w[0] = (uint32_t)v;
    if (w.size() > 1) w[1] = (uint32_t)(v >> 32);
    return w;
}
template <std::size_t N> static Words get(const VlWide<N>& port, int width) {
    Words w((width + 31) / 32, 0);
    for (std::size_t i = 0; i < N && i < w.size(); ++i) w[i] = port[i];
    return w;
}

static std::vector<std::vector<std::string>> readLines(const char* path) {
    std::vector<std::vector<std::string>> out;
    std::ifstream f(path);
    if (!f) {
        fprintf(stderr, "cannot read %s\n", path);
        exit(2);
    }
    std::string line;
    while (std::getline(f, line)) {
        std::istringstream ss(line);
        std::vector<std::string> tokens;
        std::string t;
        while (ss >> t) tokens.push_back(t);
        out.push_back(tokens);
    }
    return out;
}

int main(int argc, char** argv) {
    if (argc < 4) {
        fprintf(stderr, "usage: %s DESIGN STIMULUS EXPECTED [--cycles] [TRACE.vcd]\n", argv[0]);
        return 2;
    }
    const char* design = argv[1];
    bool logTransactions = false;
    const char* tracePath = nullptr;
    for (int i = 4; i < argc; ++i) {
        if (strcmp(argv[i], "--cycles") == 0) logTransactions = true;
        else tracePath = argv[i];
    }
    auto stim = readLines(argv[2]);
    auto expect = readLines(argv[3]);

    VerilatedContext ctx;
    Vdut dut(&ctx);
#if VM_TRACE
    VerilatedVcdC trace;
    if (tracePath) {
        ctx.traceEverOn(true);
        dut.trace(&trace, 99);
        trace.open(tracePath);
    }
#endif
    uint64_t time = 0;
    auto step = [&]() {
        dut.eval();
#if VM_TRACE
        if (tracePath) trace.dump(time);
#endif
        time += 5;
    };

    // Reset: inputs at zero, synchronous reset held for two clock edges.
#define ZERO_INPUT(name, width) put(dut.name, Words(((width) + 31) / 32, 0));
    HWGEN_INPUTS(ZERO_INPUT)
#if HWGEN_HAS_ARST
    // A rising edge Verilator can see: the first eval only sets up state.
    dut.arst = 0;
    step();
    dut.arst = 1;
    step();
    dut.arst = 0;
#endif
#if HWGEN_HAS_RST
    dut.rst = 1;
#endif
#if HWGEN_HAS_CLK
    for (int i = 0; i < 2; ++i) {
        dut.clk = 0;
        step();
        dut.clk = 1;
        step();
    }
#endif
#if HWGEN_HAS_RST
    dut.rst = 0;
#endif

    long mismatches = 0;
    size_t k = 0;
    std::set<std::string> portsSeen;  // each port's first mismatch is listed too
    auto report = [&](long cycle, const char* port, const std::string& want, const std::string& got) {
        if (mismatches == 0)
            printf("FAIL design=%s first mismatch: cycle=%ld transaction=%zu port=%s expected=%s actual=%s\n",
                   design, cycle, k, port, want.c_str(), got.c_str());
        if (portsSeen.insert(port).second)
            printf("MISMATCH port=%s cycle=%ld expected=%s actual=%s\n", port, cycle, want.c_str(), got.c_str());
        ++mismatches;
    };

    // Row r of the stimulus is applied on cycle c; a row offering a held
    // input (HWGEN_HOLD: valid high, ready low) is applied again next cycle.
    // A design that never takes its input stops the run after a bound.
    const long rows = (long)stim.size();
    const long limit = 64 * rows + 1000000;
    long cycles = 0;
    for (long c = 0, r = 0; r < rows; ++c) {
        if (c >= limit) {
            report(c, "(stall)", "input taken", "held for " + std::to_string(limit) + " cycles");
            break;
        }
        cycles = c + 1;
        size_t col = 0;
        const auto& row = stim[r];
#define SET_INPUT(name, width) put(dut.name, parseHex(col < row.size() ? row[col] : "0", width)); ++col;
        HWGEN_INPUTS(SET_INPUT)
#if HWGEN_HAS_CLK
        dut.clk = 0;
#endif
        step();
        if (HWGEN_VALID) {
            if (logTransactions) printf("TX cycle=%ld\n", c);
            if (k >= expect.size()) {
                report(c, "(valid)", "no transaction", "transaction");
            } else {
                const auto& e = expect[k];
                long want = e.empty() ? -1 : atol(e[0].c_str());
                if (want >= 0 && want != c)
                    report(c, "(latency)", "cycle " + std::to_string(want), "cycle " + std::to_string(c));
                size_t ecol = 1;
#define CHECK_OUTPUT(name, width)                                                   \
    {                                                                               \
        std::string got = toHex(get(dut.name, width), width);                       \
        std::string exp = ecol < e.size() ? toHex(parseHex(e[ecol], width), width) : "?"; \
        if (got != exp) report(c, #name, exp, got);                                 \
        ++ecol;                                                                     \
    }
                HWGEN_OUTPUTS(CHECK_OUTPUT)
            }
            ++k;
        }
        if (!(HWGEN_HOLD)) ++r;
#if HWGEN_HAS_CLK
        dut.clk = 1;
        step();
#endif
    }
    if (k < expect.size()) report(cycles, "(count)", std::to_string(expect.size()) + " transactions", std::to_string(k));
#if VM_TRACE
    if (tracePath) trace.close();
#endif
    dut.final();
    if (mismatches == 0) {
        printf("PASS design=%s vectors=%zu mismatches=0 cycles=%ld\n", design, k, cycles);
        return 0;
    }
    printf("FAIL design=%s vectors=%zu mismatches=%ld cycles=%ld\n", design, k, mismatches, cycles);
    return 1;
}
