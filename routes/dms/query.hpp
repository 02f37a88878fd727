#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include "routes/http/api_error.hpp"
#include "routes/http/request.hpp"
#include "routes/http/validation.hpp"

// Query parameters of the DMS routes. The SDKs send numbers and booleans as text and omit unset ones; an
// empty value counts as unset. A value that is not what the parameter takes is DMS.00400062 naming it.
namespace emu::routes::dms {

inline const std::string* query_text(const request_context& ctx, const char* name) {
    const std::string* value = ctx.query_param(name);
    return value == nullptr || value->empty() ? nullptr : value;
}

inline std::optional<std::int64_t> query_int(const request_context& ctx, const char* name, std::int64_t min,
                                             std::int64_t max) {
    const std::string* text = query_text(ctx, name);
    if (text == nullptr) return std::nullopt;
    const auto value = parse_int64(*text);
    if (!value || *value < min || *value > max) throw dms_invalid_parameter(name);
    return value;
}

inline std::int64_t query_int(const request_context& ctx, const char* name, std::int64_t fallback,
                              std::int64_t min, std::int64_t max) {
    return query_int(ctx, name, min, max).value_or(fallback);
}

inline std::optional<bool> query_bool(const request_context& ctx, const char* name) {
    const std::string* text = query_text(ctx, name);
    if (text == nullptr) return std::nullopt;
    const auto value = parse_bool(*text);
    if (!value) throw dms_invalid_parameter(name);
    return value;
}

}  // namespace emu::routes::dms
