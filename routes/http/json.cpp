#include "routes/http/json.hpp"

namespace emu::routes {

rapidjson::Document parse_json_object(std::string_view body, service format) {
    const bool dms = format == service::dms;
    if (format == service::dis && body.size() > dis_max_body_bytes) {
        throw dis_invalid_request("request body: must be at most 5 MB (5242880 bytes)");
    }
    if (body.find_first_not_of(" \t\r\n") == std::string_view::npos) {
        throw dms ? dms_error("DMS.00400004") : dis_error("DIS.4202");
    }
    rapidjson::Document document;
    // Iterative: a body of a million '[' must not recurse a million frames deep and overflow the stack.
    document.Parse<rapidjson::kParseValidateEncodingFlag | rapidjson::kParseIterativeFlag>(body.data(),
                                                                                           body.size());
    if (document.HasParseError() || !document.IsObject()) {
        throw dms ? dms_error("DMS.00400005") : dis_error("DIS.4300");
    }
    return document;
}

json_fields::json_fields(const rapidjson::Value& object, service format, std::string path)
    : object_(object), format_(format), path_(std::move(path)) {}

const rapidjson::Value* json_fields::member(const char* name) const {
    const auto it = object_.FindMember(name);
    if (it == object_.MemberEnd() || it->value.IsNull()) return nullptr;
    return &it->value;
}

bool json_fields::has(const char* name) const {
    return member(name) != nullptr;
}

std::string json_fields::path_of(std::string_view name) const {
    return path_.empty() ? std::string(name) : path_ + "." + std::string(name);
}

api_error json_fields::invalid(std::string_view name, std::string_view reason) const {
    if (format_ == service::dms) return dms_invalid_parameter(path_of(name));
    return dis_invalid_request(path_of(name) + ": " + std::string(reason));
}

std::optional<std::string> json_fields::opt_string(const char* name) const {
    const auto* value = member(name);
    if (value == nullptr) return std::nullopt;
    if (!value->IsString()) throw invalid(name, "must be a string");
    return std::string(value->GetString(), value->GetStringLength());
}

std::string json_fields::req_string(const char* name) const {
    auto value = opt_string(name);
    if (!value) throw invalid(name, "is required");
    return *std::move(value);
}

std::optional<std::int64_t> json_fields::opt_int(const char* name, std::int64_t min, std::int64_t max) const {
    const auto* value = member(name);
    if (value == nullptr) return std::nullopt;
    if (!value->IsInt64()) throw invalid(name, "must be an integer");
    const std::int64_t number = value->GetInt64();
    if (number < min || number > max) {
        throw invalid(name, "must be from " + std::to_string(min) + " to " + std::to_string(max));
    }
    return number;
}

std::int64_t json_fields::req_int(const char* name, std::int64_t min, std::int64_t max) const {
    const auto value = opt_int(name, min, max);
    if (!value) throw invalid(name, "is required");
    return *value;
}

std::optional<bool> json_fields::opt_bool(const char* name) const {
    const auto* value = member(name);
    if (value == nullptr) return std::nullopt;
    if (!value->IsBool()) throw invalid(name, "must be a boolean");
    return value->GetBool();
}

const rapidjson::Value* json_fields::opt_array(const char* name) const {
    const auto* value = member(name);
    if (value != nullptr && !value->IsArray()) throw invalid(name, "must be an array");
    return value;
}

const rapidjson::Value* json_fields::opt_object(const char* name) const {
    const auto* value = member(name);
    if (value != nullptr && !value->IsObject()) throw invalid(name, "must be an object");
    return value;
}

std::string to_string(const rapidjson::StringBuffer& buffer) {
    return {buffer.GetString(), buffer.GetSize()};
}

void write_string(json_writer& writer, std::string_view value) {
    writer.String(value.data(), static_cast<rapidjson::SizeType>(value.size()));
}

}  // namespace emu::routes
