#pragma once

#include <string>
#include <string_view>

#include "routes/http/request.hpp"
#include "routes/http/text.hpp"

namespace emu::routes {

// The media type of a Content-Type value: lower-cased, without its parameters (charset) and spaces.
inline std::string media_type_of(std::string_view value) {
    return ascii_lowered(trim(value.substr(0, value.find(';'))));
}

// application/json, with parameters (charset) or not, and any +json type; any case.
inline bool is_json_media_type(std::string_view value) {
    const std::string type = media_type_of(value);
    return type == "application/json" || (type.starts_with("application/") && type.ends_with("+json"));
}

// application/x-protobuf, with parameters or not, any case: what DIS's native SDKs send in protobuf mode
// (Java and Go "application/x-protobuf; charset=utf-8", Python "application/x-protobuf;charset=utf-8").
inline bool is_protobuf_media_type(std::string_view value) {
    return media_type_of(value) == "application/x-protobuf";
}

inline constexpr std::string_view protobuf_content_type = "application/x-protobuf";

// The request's Content-Type says protobuf (on a GET too, where it asks for a protobuf answer).
inline bool declares_protobuf(const request_context& ctx) {
    const std::string* type = ctx.header("Content-Type");
    return type != nullptr && is_protobuf_media_type(*type);
}

}  // namespace emu::routes
