#include "routes/dis/validation.hpp"

#include <algorithm>
#include <cctype>
#include <charconv>
#include <cstdio>

namespace emu::routes::dis {

namespace {

constexpr std::string_view shard_prefix = "shardId-";
constexpr std::size_t shard_digits = 10;

bool is_digit(char c) {
    return c >= '0' && c <= '9';
}

}  // namespace

bool is_name(std::string_view text, std::size_t max_length) {
    return !text.empty() && text.size() <= max_length && std::all_of(text.begin(), text.end(), [](char c) {
        return std::isalnum(static_cast<unsigned char>(c)) != 0 || c == '-' || c == '_';
    });
}

std::optional<std::int32_t> parse_partition_id(std::string_view text) {
    std::string_view digits = text;
    if (text.starts_with(shard_prefix)) {
        digits = text.substr(shard_prefix.size());
        if (digits.size() != shard_digits) return std::nullopt;
    } else if (digits.empty() || digits.size() > shard_digits) {
        return std::nullopt;
    }
    if (!std::all_of(digits.begin(), digits.end(), is_digit)) return std::nullopt;
    std::int64_t value = 0;
    std::from_chars(digits.data(), digits.data() + digits.size(), value);
    if (value > INT32_MAX) return std::nullopt;
    return static_cast<std::int32_t>(value);
}

std::string shard_id(std::int32_t index) {
    return state::dis_shard_id(index);
}

const char* to_string(state::dis_partition_status status) {
    switch (status) {
        case state::dis_partition_status::active:
            return "ACTIVE";
        case state::dis_partition_status::deleted:
            return "DELETED";
        case state::dis_partition_status::expired:
            return "EXPIRED";
    }
    return "ACTIVE";
}

}  // namespace emu::routes::dis
