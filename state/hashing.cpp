#include "state/hashing.hpp"

#include <openssl/evp.h>

#include <array>

namespace emu::state {

namespace {

std::uint32_t murmur2(std::string_view data) {
    constexpr std::uint32_t seed = 0x9747b28c;
    constexpr std::uint32_t m = 0x5bd1e995;
    constexpr int r = 24;
    const auto length = static_cast<std::uint32_t>(data.size());
    std::uint32_t h = seed ^ length;
    const auto* bytes = reinterpret_cast<const unsigned char*>(data.data());
    const std::size_t blocks = data.size() / 4;
    for (std::size_t i = 0; i < blocks; ++i) {
        const std::size_t o = i * 4;
        std::uint32_t k = static_cast<std::uint32_t>(bytes[o]) |
                          (static_cast<std::uint32_t>(bytes[o + 1]) << 8) |
                          (static_cast<std::uint32_t>(bytes[o + 2]) << 16) |
                          (static_cast<std::uint32_t>(bytes[o + 3]) << 24);
        k *= m;
        k ^= k >> r;
        k *= m;
        h *= m;
        h ^= k;
    }
    const std::size_t tail = blocks * 4;
    switch (data.size() % 4) {
        case 3:
            h ^= static_cast<std::uint32_t>(bytes[tail + 2]) << 16;
            [[fallthrough]];
        case 2:
            h ^= static_cast<std::uint32_t>(bytes[tail + 1]) << 8;
            [[fallthrough]];
        case 1:
            h ^= static_cast<std::uint32_t>(bytes[tail]);
            h *= m;
    }
    h ^= h >> 13;
    h *= m;
    h ^= h >> 15;
    return h;
}

std::int64_t slice_width(std::int32_t partition_count) {
    return dis_max_hash / partition_count;
}

}  // namespace

std::int32_t kafka_key_partition(std::string_view key, std::int32_t partition_count) {
    const std::uint32_t positive = murmur2(key) & 0x7fffffffU;
    return static_cast<std::int32_t>(positive % static_cast<std::uint32_t>(partition_count));
}

std::int64_t dis_partition_key_hash(std::string_view key) {
    std::array<unsigned char, EVP_MAX_MD_SIZE> digest{};
    unsigned int digest_len = 0;
    EVP_Digest(key.data(), key.size(), digest.data(), &digest_len, EVP_md5(), nullptr);
    std::uint64_t h = 0;
    for (int i = 0; i < 8; ++i) h = (h << 8) | digest[static_cast<std::size_t>(i)];
    return static_cast<std::int64_t>(h & static_cast<std::uint64_t>(dis_max_hash));
}

std::int32_t dis_partition_for_hash(std::int64_t hash, std::int32_t partition_count) {
    const std::int64_t width = slice_width(partition_count);
    std::int64_t index = hash / width;
    if (index > 0 && hash % width == 0) --index;
    if (index > partition_count - 1) index = partition_count - 1;
    return static_cast<std::int32_t>(index);
}

std::int64_t dis_hash_range_start(std::int32_t index, std::int32_t partition_count) {
    return index == 0 ? 0 : index * slice_width(partition_count) + 1;
}

std::int64_t dis_hash_range_end(std::int32_t index, std::int32_t partition_count) {
    return index == partition_count - 1 ? dis_max_hash : (index + 1) * slice_width(partition_count);
}

}  // namespace emu::state
