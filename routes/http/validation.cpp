#include "routes/http/validation.hpp"

#include <openssl/evp.h>

#include <algorithm>
#include <cctype>
#include <charconv>
#include <vector>

#include "routes/http/api_error.hpp"
#include "routes/http/text.hpp"

namespace emu::routes {

namespace {

bool is_hex(char c) {
    return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
}
bool is_alpha(char c) {
    return std::isalpha(static_cast<unsigned char>(c)) != 0;
}
bool is_alnum(char c) {
    return std::isalnum(static_cast<unsigned char>(c)) != 0;
}

bool all_of(std::string_view text, bool (*allowed)(char)) {
    return std::all_of(text.begin(), text.end(), allowed);
}

}  // namespace

bool is_project_id(std::string_view text) {
    return text.size() == 32 && all_of(text, is_hex);
}

bool is_uuid(std::string_view text) {
    if (text.size() != 36) return false;
    for (std::size_t i = 0; i < text.size(); ++i) {
        const bool dash = i == 8 || i == 13 || i == 18 || i == 23;
        if (dash ? text[i] != '-' : !is_hex(text[i])) return false;
    }
    return true;
}

bool is_instance_name(std::string_view text) {
    return text.size() >= 4 && text.size() <= 64 && is_alpha(text.front()) &&
           all_of(text, [](char c) { return is_alnum(c) || c == '-' || c == '_'; });
}

bool is_topic_name(std::string_view text) {
    return text.size() >= 3 && text.size() <= 200 && is_alpha(text.front()) &&
           all_of(text, [](char c) { return is_alnum(c) || c == '-' || c == '_' || c == '.'; });
}

std::optional<std::int64_t> parse_int64(std::string_view text) {
    if (text.empty() || text.front() == '+') return std::nullopt;
    std::int64_t value = 0;
    const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
    if (ec != std::errc{} || end != text.data() + text.size()) return std::nullopt;
    return value;
}

std::optional<bool> parse_bool(std::string_view text) {
    const std::string lower = ascii_lowered(text);
    if (lower == "true") return true;
    if (lower == "false") return false;
    return std::nullopt;
}

namespace {

// Length of the well-formed UTF-8 sequence starting at text[i], or 0 when none starts there.
std::size_t utf8_sequence(std::string_view text, std::size_t i) {
    const auto byte = [&](std::size_t k) { return static_cast<unsigned char>(text[k]); };
    const unsigned char lead = byte(i);
    if (lead < 0x80) return 1;
    std::size_t length = 0;
    unsigned char low = 0x80;
    unsigned char high = 0xBF;
    if (lead >= 0xC2 && lead <= 0xDF) {
        length = 2;
    } else if (lead >= 0xE0 && lead <= 0xEF) {
        length = 3;
        if (lead == 0xE0) low = 0xA0;   // overlong
        if (lead == 0xED) high = 0x9F;  // surrogates
    } else if (lead >= 0xF0 && lead <= 0xF4) {
        length = 4;
        if (lead == 0xF0) low = 0x90;   // overlong
        if (lead == 0xF4) high = 0x8F;  // past U+10FFFF
    } else {
        return 0;
    }
    if (i + length > text.size()) return 0;
    if (byte(i + 1) < low || byte(i + 1) > high) return 0;
    for (std::size_t k = 2; k < length; ++k) {
        if (byte(i + k) < 0x80 || byte(i + k) > 0xBF) return 0;
    }
    return length;
}

}  // namespace

bool is_utf8(std::string_view text) {
    for (std::size_t i = 0; i < text.size();) {
        const auto n = utf8_sequence(text, i);
        if (n == 0) return false;
        i += n;
    }
    return true;
}

std::string to_utf8(std::string_view text) {
    std::string out;
    out.reserve(text.size());
    for (std::size_t i = 0; i < text.size();) {
        const auto n = utf8_sequence(text, i);
        if (n == 0) {
            out += "\xEF\xBF\xBD";
            ++i;
        } else {
            out.append(text.substr(i, n));
            i += n;
        }
    }
    return out;
}

std::size_t utf8_length(std::string_view text) {
    return static_cast<std::size_t>(std::count_if(
        text.begin(), text.end(), [](char c) { return (static_cast<unsigned char>(c) & 0xC0) != 0x80; }));
}

bool is_base64(std::string_view text) {
    if (text.size() % 4 != 0) return false;
    if (text.empty()) return true;
    const bool clean = std::all_of(text.begin(), text.end(),
                                   [](char c) { return is_alnum(c) || c == '+' || c == '/' || c == '='; });
    if (!clean) return false;
    std::vector<unsigned char> decoded(text.size() / 4 * 3);
    return EVP_DecodeBlock(decoded.data(), reinterpret_cast<const unsigned char*>(text.data()),
                           static_cast<int>(text.size())) >= 0;
}

void require_dms_project(const request_context& ctx) {
    if (!is_project_id(ctx.param("project_id"))) throw dms_error("DMS.00400002");
}

void require_dms_instance(const request_context& ctx) {
    require_dms_project(ctx);
    if (!is_uuid(ctx.param("instance_id"))) throw dms_error("DMS.00400030");
}

void require_dis_project(const request_context& ctx) {
    const std::string& project_id = ctx.param("project_id");
    if (!is_project_id(project_id)) throw dis_error("DIS.4117", {project_id});
    const std::string* header = ctx.header("X-Project-Id");
    if (header != nullptr && *header != project_id) throw dis_error("DIS.4117", {*header});
}

}  // namespace emu::routes
