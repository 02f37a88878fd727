#include "state/log_extent.hpp"

#include <cstring>

namespace emu::state {

void put_i64(std::string& out, std::int64_t value) {
    char bytes[sizeof value];
    std::memcpy(bytes, &value, sizeof value);
    out.append(bytes, sizeof value);
}

std::int64_t get_i64(std::string_view bytes, std::size_t at) {
    std::int64_t value = 0;
    std::memcpy(&value, bytes.data() + at, sizeof value);
    return value;
}

}  // namespace emu::state
