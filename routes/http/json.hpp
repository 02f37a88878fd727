#pragma once

#include <rapidjson/document.h>
#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "routes/http/api_error.hpp"

namespace emu::routes {

using json_writer = rapidjson::Writer<rapidjson::StringBuffer>;

// Parses a request body that must be a JSON object, answering in `format`'s own words when it is
// empty (DMS.00400004 / DIS.4202) or not a JSON object, or not valid UTF-8 (DMS.00400005 / DIS.4300).
rapidjson::Document parse_json_object(std::string_view body, service format);

// Typed, validated access to the members of one JSON object. A member of the wrong type or outside its
// range is refused in the service's words: DMS.00400062 naming the parameter, or DIS.4200 with a reason.
class json_fields {
public:
    json_fields(const rapidjson::Value& object, service format, std::string path = {});

    bool has(const char* name) const;
    std::optional<std::string> opt_string(const char* name) const;
    std::string req_string(const char* name) const;
    std::optional<std::int64_t> opt_int(const char* name, std::int64_t min, std::int64_t max) const;
    std::int64_t req_int(const char* name, std::int64_t min, std::int64_t max) const;
    std::optional<bool> opt_bool(const char* name) const;
    const rapidjson::Value* opt_array(const char* name) const;
    const rapidjson::Value* opt_object(const char* name) const;

    // The JSON path of a member, e.g. "partitions[1].offset".
    std::string path_of(std::string_view name) const;
    api_error invalid(std::string_view name, std::string_view reason) const;
    service format() const { return format_; }

private:
    const rapidjson::Value* member(const char* name) const;

    const rapidjson::Value& object_;
    service format_;
    std::string path_;
};

std::string to_string(const rapidjson::StringBuffer& buffer);
void write_string(json_writer& writer, std::string_view value);

}  // namespace emu::routes
