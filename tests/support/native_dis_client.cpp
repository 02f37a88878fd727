#include "tests/support/native_dis_client.hpp"

#include <cctype>
#include <utility>

namespace emu::test {

namespace {

constexpr const char* empty_body_sha256 = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855";

std::string query_text(native_sdk sdk, const name_values& query) {
    std::string out;
    for (const auto& [name, value] : query) {
        switch (sdk) {
            case native_sdk::java:
                // AbstractDISClient.buildURI: key=value& per parameter, nothing encoded, a trailing '&'.
                out += name + "=" + value + "&";
                break;
            case native_sdk::python:
                // disclient.py __sendRequest: requests.request(params=dict), so urlencode in dict order.
                out += (out.empty() ? "" : "&") + form_encode(name) + "=" + form_encode(value);
                break;
            case native_sdk::go:
                // utils/do_http.go getPath: ?key[=value]&..., raw, an empty value without '='.
                out += (out.empty() ? "" : "&") + name + (value.empty() ? "" : "=" + value);
                break;
        }
    }
    return out;
}

}  // namespace

routes::auth::auth_settings native_strict_settings() {
    routes::auth::auth_settings settings;
    settings.mode = routes::auth::auth_mode::strict;
    settings.credentials = {{native_access_key, native_secret_key, "", ""}};
    settings.tokens = {{test_token, "", "", std::nullopt}};
    return settings;
}

const char* to_string(native_sdk sdk) {
    switch (sdk) {
        case native_sdk::java:
            return "java";
        case native_sdk::python:
            return "python";
        case native_sdk::go:
            return "go";
    }
    return "?";
}

std::string form_encode(const std::string& text) {
    static constexpr char digits[] = "0123456789ABCDEF";
    std::string out;
    for (const unsigned char c : text) {
        if (std::isalnum(c) || c == '_' || c == '.' || c == '-' || c == '~') {
            out.push_back(static_cast<char>(c));
        } else if (c == ' ') {
            out.push_back('+');
        } else {
            out += {'%', digits[c >> 4], digits[c & 0xF]};
        }
    }
    return out;
}

native_client::native_client(test_server& server, native_sdk sdk, std::string access_key,
                             std::string secret_key, std::string project)
    : server_(server),
      sdk_(sdk),
      access_key_(std::move(access_key)),
      secret_key_(std::move(secret_key)),
      project_(std::move(project)) {}

http_reply native_client::call(const std::string& method, const std::string& rest, const name_values& query,
                               const std::string& body, const std::string& content_type) const {
    const std::string port_host = "127.0.0.1:" + std::to_string(server_.port());
    const std::string date = sdk_date(server_.clock().now_ms.load());
    signable_request request;
    request.method = method;
    request.path = "/v2/" + project_ + rest;
    request.query = query;
    request.body = body;
    name_values unsigned_headers;
    switch (sdk_) {
        case native_sdk::java:
            // AbstractDISClient.beforeRequest/setContentType/setSdkVersion (:229-314), then
            // DefaultSigner.sign adds Host and X-Sdk-Date (:136-137) and signs every header present
            // (:310-343).
            request.headers = {
                {"X-Project-Id", project_},
                {"Content-Type", content_type.empty() ? "application/json; charset=utf-8" : content_type},
                {"accept", "*/*; charset=utf-8"},
                {"X-SDK-Version", "1.3.21/java"},
                {"Host", port_host},
                {"X-Sdk-Date", date}};
            unsigned_headers = {{"User-Agent", "Apache-HttpClient/4.5.13 (Java/1.8.0_392)"},
                                {"Accept-Encoding", "gzip,deflate"},
                                {"Connection", "Keep-Alive"}};
            break;
        case native_sdk::python:
            // disauth.py Signer.Sign (:179-212): x-sdk-date and host, the host without its port (:189); then
            // disclient.py __generateRequest (:109-110) adds user-agent and Content-Type unsigned. That host
            // is what goes over the wire when the endpoint has no port (port 80), as here.
            request.headers = {{"x-sdk-date", date}, {"host", "127.0.0.1"}};
            unsigned_headers = {
                {"Host", "127.0.0.1"},
                {"content-length", std::to_string(body.size())},
                {"user-agent", "dis-python-sdk-v-2.0.0"},
                {"Content-Type", content_type.empty() ? "application/json; charset=UTF-8" : content_type},
                {"Accept-Encoding", "gzip, deflate"},
                {"Accept", "*/*"},
                {"Connection", "keep-alive"}};
            break;
        case native_sdk::go:
            // utils/do_http.go InitConect (:117-124): host with the port, x-sdk-date, x-sdk-content-sha256 as
            // the empty body's hash; client/dis_common.go initDis (:106) the Content-Type and, with a body,
            // Content-Length (:119); auth_v4.go signs them all (:148-194).
            request.headers = {
                {"Host", port_host},
                {"X-Sdk-Date", date},
                {"X-Sdk-Content-Sha256", empty_body_sha256},
                {"Content-Type", content_type.empty() ? "application/json;charset=UTF-8" : content_type}};
            if (!body.empty()) request.headers.emplace_back("Content-Length", std::to_string(body.size()));
            unsigned_headers = {{"User-Agent", "Go-http-client/1.1"}, {"Accept-Encoding", "gzip"}};
            break;
    }
    const std::string authorization =
        legacy_dis_authorization(request, access_key_, secret_key_, native_region);
    last_headers_ = request.headers;
    if (sdk_ == native_sdk::python) {
        // The signer's host goes; requests writes its own Host (listed below).
        std::erase_if(last_headers_, [](const auto& header) { return header.first == "host"; });
    }
    last_headers_.emplace_back("Authorization", authorization);
    last_headers_.insert(last_headers_.end(), unsigned_headers.begin(), unsigned_headers.end());
    const std::string text = query_text(sdk_, query);
    last_target_ = request.path + (text.empty() ? "" : "?" + text);
    header_list headers(last_headers_.begin(), last_headers_.end());
    return server_.request(method, last_target_, body, headers);
}

}  // namespace emu::test
