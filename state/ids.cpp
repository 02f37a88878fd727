#include "state/ids.hpp"

#include <mutex>
#include <random>

namespace emu::state {

namespace {

std::mutex generator_mutex;  // guards generator()

std::mt19937_64& generator() {
    static std::mt19937_64 engine{std::random_device{}()};
    return engine;
}

std::uint64_t next_random() {
    std::lock_guard lock(generator_mutex);
    return generator()();
}

}  // namespace

std::string new_uuid() {
    static constexpr char hex[] = "0123456789abcdef";
    std::string out;
    out.reserve(36);
    std::uint64_t bits = next_random();
    int used = 0;
    for (int i = 0; i < 32; ++i) {
        if (i == 8 || i == 12 || i == 16 || i == 20) out.push_back('-');
        if (used == 16) {
            bits = next_random();
            used = 0;
        }
        char c = hex[bits & 0xf];
        if (i == 12) c = '4';                    // version 4
        if (i == 16) c = hex[8 + (bits & 0x3)];  // RFC 4122 variant
        out.push_back(c);
        bits >>= 4;
        ++used;
    }
    return out;
}

std::string new_alnum_id(std::size_t length) {
    static constexpr char alphabet[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
    std::string out;
    out.reserve(length);
    for (std::size_t i = 0; i < length; ++i) out.push_back(alphabet[next_random() % 62]);
    return out;
}

}  // namespace emu::state
