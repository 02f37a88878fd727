#include "routes/auth/credentials.hpp"

#include <rapidjson/document.h>
#include <rapidjson/error/en.h>

#include <algorithm>
#include <fstream>
#include <sstream>

#include "routes/http/text.hpp"

namespace emu::routes::auth {

namespace {

class credentials_reader {
  public:
    explicit credentials_reader(std::string_view source) : source_(source) {}

    [[noreturn]] void fail(const std::string& path, const std::string& problem) const {
        throw credentials_error(std::string(source_) + ": " + path + ": " + problem);
    }

    void only_keys(const rapidjson::Value& object, const std::string& path,
                   std::initializer_list<std::string_view> allowed) const {
        for (auto it = object.MemberBegin(); it != object.MemberEnd(); ++it) {
            const std::string_view name(it->name.GetString(), it->name.GetStringLength());
            if (std::find(allowed.begin(), allowed.end(), name) == allowed.end()) {
                fail(path, "unknown key \"" + std::string(name) + "\"");
            }
        }
    }

    // Never echoes the value: it may be a secret.
    std::string string_field(const rapidjson::Value& object, const std::string& path, const char* name,
                             bool required) const {
        const auto it = object.FindMember(name);
        if (it == object.MemberEnd()) {
            if (required) fail(path, std::string("missing \"") + name + "\"");
            return {};
        }
        if (!it->value.IsString() || it->value.GetStringLength() == 0) {
            fail(path + "." + name, "must be a non-empty string");
        }
        return {it->value.GetString(), it->value.GetStringLength()};
    }

    std::string project_field(const rapidjson::Value& object, const std::string& path) const {
        auto project = string_field(object, path, "project_id", false);
        if (!project.empty() && !is_lower_hex(project, 32)) {
            fail(path + ".project_id", "must be 32 lower-case hexadecimal characters");
        }
        return project;
    }

    const rapidjson::Value* array_field(const rapidjson::Value& root, const char* name) const {
        const auto it = root.FindMember(name);
        if (it == root.MemberEnd()) return nullptr;
        if (!it->value.IsArray()) fail(std::string("$.") + name, "must be an array");
        return &it->value;
    }

  private:
    std::string_view source_;
};

}  // namespace

void load_credentials_text(std::string_view text, std::string_view source, auth_settings& settings) {
    const credentials_reader reader(source);
    rapidjson::Document doc;
    doc.Parse<rapidjson::kParseIterativeFlag>(text.data(), text.size());
    if (doc.HasParseError()) {
        reader.fail("$", std::string("not valid JSON at byte ") + std::to_string(doc.GetErrorOffset()) +
                             ": " + rapidjson::GetParseError_En(doc.GetParseError()));
    }
    if (!doc.IsObject()) reader.fail("$", "must be an object");
    reader.only_keys(doc, "$", {"credentials", "tokens"});

    std::vector<access_key> keys;
    if (const auto* list = reader.array_field(doc, "credentials")) {
        for (rapidjson::SizeType i = 0; i < list->Size(); ++i) {
            const std::string path = "$.credentials[" + std::to_string(i) + "]";
            const auto& entry = (*list)[i];
            if (!entry.IsObject()) reader.fail(path, "must be an object");
            reader.only_keys(entry, path, {"ak", "sk", "project_id", "security_token"});
            access_key key{reader.string_field(entry, path, "ak", true),
                           reader.string_field(entry, path, "sk", true), reader.project_field(entry, path),
                           reader.string_field(entry, path, "security_token", false)};
            if (std::any_of(keys.begin(), keys.end(), [&](const access_key& k) { return k.ak == key.ak; })) {
                reader.fail(path + ".ak", "the access key " + key.ak + " is listed twice");
            }
            keys.push_back(std::move(key));
        }
    }
    std::vector<auth_token> tokens;
    if (const auto* list = reader.array_field(doc, "tokens")) {
        for (rapidjson::SizeType i = 0; i < list->Size(); ++i) {
            const std::string path = "$.tokens[" + std::to_string(i) + "]";
            const auto& entry = (*list)[i];
            if (!entry.IsObject()) reader.fail(path, "must be an object");
            reader.only_keys(entry, path, {"token", "project_id", "expires_at"});
            auth_token token{reader.string_field(entry, path, "token", true),
                             reader.project_field(entry, path),
                             reader.string_field(entry, path, "expires_at", false), std::nullopt};
            if (!token.expires_at.empty()) {
                token.expires_s = parse_iam_time(token.expires_at);
                if (!token.expires_s) {
                    reader.fail(path + ".expires_at", "must be a UTC time like 2026-11-25T09:00:00.000000Z");
                }
            }
            if (std::any_of(tokens.begin(), tokens.end(),
                            [&](const auth_token& t) { return t.token == token.token; })) {
                reader.fail(path + ".token", "the same token is listed twice");
            }
            tokens.push_back(std::move(token));
        }
    }
    settings.credentials = std::move(keys);
    settings.tokens = std::move(tokens);
}

void load_credentials_file(const std::string& path, auth_settings& settings) {
    std::ifstream in(path, std::ios::binary);
    if (!in) throw credentials_error(path + ": cannot be read");
    std::ostringstream text;
    text << in.rdbuf();
    load_credentials_text(text.str(), path, settings);
}

}  // namespace emu::routes::auth
