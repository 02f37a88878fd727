#pragma once

#include <string>

namespace emu::state {

// Random identifiers in the shapes the real services use.
std::string new_uuid();                        // 8-4-4-4-12 lowercase hex
std::string new_alnum_id(std::size_t length);  // [A-Za-z0-9]{length}, like DIS stream and app ids

}  // namespace emu::state
