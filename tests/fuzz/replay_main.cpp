// Runs a libFuzzer target without libFuzzer, so that every fuzz target's invariants are
// exercised by `make test` with any compiler (the coverage-guided runs need clang:
// FRAISEQL_BUILD_FUZZ). It feeds the target every seed file named on the command line
// (files or directories), then `--runs N` deterministic random mutations of them: bit flips,
// structural bytes, insertions, deletions, duplications, truncations and splices, each
// mutant sometimes kept as a seed for further mutation. Not coverage-guided; a crash, trap,
// sanitizer report or hang fails the test.
//
// Usage: <target>_replay [--runs N] [--seed S] PATH...

#include <chrono>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <random>
#include <string>
#include <vector>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size);

namespace {

void run(const std::string& s) {
    // An exactly sized copy: reads past the end are caught by ASan as they would be by
    // libFuzzer.
    std::vector<std::uint8_t> buf(s.begin(), s.end());
    (void)LLVMFuzzerTestOneInput(buf.empty() ? nullptr : buf.data(), buf.size());
}

std::string read_file(const std::filesystem::path& p) {
    std::ifstream in(p, std::ios::binary);
    return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

constexpr char interesting[] = "{}[]\":,\\ \n\t\0\x7f\x80\xff" "0123456789-+.eEnultrfas$@!#(){}";

std::string mutate(std::string s, const std::vector<std::string>& pool, std::mt19937_64& rng) {
    auto pick = [&](std::size_t n) { return n == 0 ? 0 : static_cast<std::size_t>(rng() % n); };
    const int steps = 1 + static_cast<int>(rng() % 4);
    for (int k = 0; k < steps; ++k) {
        switch (rng() % 8) {
        case 0: // flip a bit
            if (!s.empty()) s[pick(s.size())] ^= static_cast<char>(1u << (rng() % 8));
            break;
        case 1: // overwrite with a structural byte
            if (!s.empty()) s[pick(s.size())] = interesting[pick(sizeof interesting - 1)];
            break;
        case 2: // insert a structural byte
            s.insert(s.begin() + static_cast<std::ptrdiff_t>(pick(s.size() + 1)),
                     interesting[pick(sizeof interesting - 1)]);
            break;
        case 3: { // delete a range
            if (s.empty()) break;
            const std::size_t at = pick(s.size());
            s.erase(at, 1 + pick(std::min<std::size_t>(16, s.size() - at)));
            break;
        }
        case 4: { // duplicate a range
            if (s.empty() || s.size() > 8192) break;
            const std::size_t at = pick(s.size());
            const std::string piece = s.substr(at, 1 + pick(32));
            s.insert(pick(s.size() + 1), piece);
            break;
        }
        case 5: // truncate
            s.resize(pick(s.size() + 1));
            break;
        case 6: { // splice with another seed
            const std::string& o = pool[pick(pool.size())];
            s = s.substr(0, pick(s.size() + 1)) + o.substr(pick(o.size() + 1));
            break;
        }
        default: // random byte anywhere
            if (!s.empty()) s[pick(s.size())] = static_cast<char>(rng());
            break;
        }
    }
    return s;
}

} // namespace

int main(int argc, char** argv) {
    long runs = 20000;
    std::uint64_t seed = 0x5eed;
    std::vector<std::string> pool;
    for (int i = 1; i < argc; ++i) {
        if (std::strcmp(argv[i], "--runs") == 0 && i + 1 < argc) {
            runs = std::atol(argv[++i]);
        } else if (std::strcmp(argv[i], "--seed") == 0 && i + 1 < argc) {
            seed = std::strtoull(argv[++i], nullptr, 0);
        } else {
            const std::filesystem::path p(argv[i]);
            if (std::filesystem::is_directory(p)) {
                for (const auto& e : std::filesystem::directory_iterator(p))
                    if (e.is_regular_file()) pool.push_back(read_file(e.path()));
            } else if (std::filesystem::is_regular_file(p)) {
                pool.push_back(read_file(p));
            } else {
                std::fprintf(stderr, "no such seed file or directory: %s\n", argv[i]);
                return 2;
            }
        }
    }
    if (pool.empty()) {
        std::fprintf(stderr, "no seeds: pass seed files or directories\n");
        return 2;
    }
    const auto t0 = std::chrono::steady_clock::now();
    run("");
    for (const std::string& s : pool) run(s);
    std::mt19937_64 rng(seed);
    const std::size_t seeds = pool.size();
    for (long i = 0; i < runs; ++i) {
        std::string m = mutate(pool[static_cast<std::size_t>(rng() % pool.size())], pool, rng);
        run(m);
        // Keep some mutants to mutate further (bounded pool; the seeds stay).
        if (rng() % 16 == 0 && m.size() < 16384) {
            if (pool.size() < seeds + 256) pool.push_back(std::move(m));
            else pool[seeds + rng() % 256] = std::move(m);
        }
    }
    const double s = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    std::printf("%zu seeds, %ld mutated inputs, %.1f s: no failure\n", seeds, runs, s);
    return 0;
}
