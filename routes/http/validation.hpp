#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "routes/http/request.hpp"

namespace emu::routes {

// Syntax rules shared by the handlers and the fixture loader.
bool is_project_id(std::string_view text);     // 32 hex characters
bool is_uuid(std::string_view text);           // 8-4-4-4-12 hex
bool is_instance_name(std::string_view text);  // letter first; letters, digits, - and _; 4-64
bool is_topic_name(std::string_view text);     // letter first; letters, digits, . - and _; 3-200

std::optional<std::int64_t> parse_int64(std::string_view text);  // optional '-', decimal digits, no overflow
std::optional<bool> parse_bool(std::string_view text);           // true/false, any case
// Length in characters (code points) of text the JSON parser already checked to be UTF-8: the references'
// length limits count characters, and one Chinese character is three bytes.
std::size_t utf8_length(std::string_view text);
// Well-formed UTF-8: no stray continuation bytes, overlong forms, surrogates or code points past U+10FFFF.
bool is_utf8(std::string_view text);
// `text` with every byte that is not part of well-formed UTF-8 replaced by U+FFFD, for echoing input back.
std::string to_utf8(std::string_view text);
// Standard base64 with padding (what the SDKs send as DIS record data); decoded by OpenSSL.
bool is_base64(std::string_view text);

// Path checks every handler of a family starts with.
void require_dms_project(const request_context& ctx);   // DMS.00400002
void require_dms_instance(const request_context& ctx);  // project, then DMS.00400030 for a non-UUID id
// DIS.4117 for a malformed project id, or an X-Project-Id header that names another project.
void require_dis_project(const request_context& ctx);

}  // namespace emu::routes
