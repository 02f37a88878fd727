#include "tests/support/sdk_signer.hpp"

#include <openssl/evp.h>
#include <openssl/hmac.h>

#include <algorithm>
#include <cctype>
#include <ctime>
#include <stdexcept>

namespace emu::test {

namespace {

constexpr std::string_view algorithm = "SDK-HMAC-SHA256";

std::string lower(std::string_view text) {
    std::string out(text);
    std::transform(out.begin(), out.end(), out.begin(), [](unsigned char c) { return std::tolower(c); });
    return out;
}

std::string trim(std::string_view text) {
    const auto first = text.find_first_not_of(" \t");
    if (first == std::string_view::npos) return {};
    const auto last = text.find_last_not_of(" \t");
    return std::string(text.substr(first, last - first + 1));
}

int hex_value(char c) {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
}

std::string percent_decode(std::string_view text) {
    std::string out;
    for (std::size_t i = 0; i < text.size(); ++i) {
        if (text[i] == '%' && i + 2 < text.size() && hex_value(text[i + 1]) >= 0 &&
            hex_value(text[i + 2]) >= 0) {
            out.push_back(static_cast<char>(hex_value(text[i + 1]) * 16 + hex_value(text[i + 2])));
            i += 2;
        } else {
            out.push_back(text[i]);
        }
    }
    return out;
}

std::vector<std::string> split(const std::string& text, char separator) {
    std::vector<std::string> parts;
    std::size_t start = 0;
    while (true) {
        const auto at = text.find(separator, start);
        parts.push_back(text.substr(start, at == std::string::npos ? std::string::npos : at - start));
        if (at == std::string::npos) return parts;
        start = at + 1;
    }
}

// Every header but those whose name has '_' (§2.2), lower-cased and sorted, with trimmed values.
name_values signed_headers_of(const name_values& headers, bool skip_underscore) {
    name_values out;
    for (const auto& [name, value] : headers) {
        if (skip_underscore && name.find('_') != std::string::npos) continue;
        out.emplace_back(lower(name), trim(value));
    }
    std::sort(out.begin(), out.end());
    return out;
}

std::string canonical(const signable_request& request, const std::string& uri, const std::string& query,
                      const name_values& headers) {
    std::string text = request.method + "\n" + uri + "\n" + query + "\n";
    std::string names;
    for (const auto& [name, value] : headers) {
        text += name + ":" + value + "\n";
        names += (names.empty() ? "" : ";") + name;
    }
    return text + "\n" + names + "\n" + hex_sha256(request.body);
}

std::string joined_names(const name_values& headers) {
    std::string names;
    for (const auto& header : headers) names += (names.empty() ? "" : ";") + header.first;
    return names;
}

std::string header_value(const signable_request& request, std::string_view name) {
    for (const auto& [key, value] : request.headers) {
        if (lower(key) == lower(name)) return trim(value);
    }
    throw std::invalid_argument("request has no " + std::string(name) + " header");
}

}  // namespace

std::string sdk_encode(std::string_view text) {
    static constexpr char digits[] = "0123456789ABCDEF";
    std::string out;
    for (const unsigned char c : text) {
        if (std::isalnum(c) || c == '-' || c == '_' || c == '.' || c == '~') {
            out.push_back(static_cast<char>(c));
        } else {
            out += {'%', digits[c >> 4], digits[c & 0xF]};
        }
    }
    return out;
}

std::string to_hex(std::string_view bytes) {
    static constexpr char digits[] = "0123456789abcdef";
    std::string out;
    for (const unsigned char c : bytes) out += {digits[c >> 4], digits[c & 0xF]};
    return out;
}

std::string hex_sha256(std::string_view bytes) {
    unsigned char digest[EVP_MAX_MD_SIZE];
    unsigned int length = 0;
    EVP_Digest(bytes.data(), bytes.size(), digest, &length, EVP_sha256(), nullptr);
    return to_hex(std::string_view(reinterpret_cast<const char*>(digest), length));
}

std::string hmac_sha256(std::string_view key, std::string_view message) {
    unsigned char digest[EVP_MAX_MD_SIZE];
    unsigned int length = 0;
    HMAC(EVP_sha256(), key.data(), static_cast<int>(key.size()),
         reinterpret_cast<const unsigned char*>(message.data()), message.size(), digest, &length);
    return std::string(reinterpret_cast<const char*>(digest), length);
}

std::string sdk_query_string(name_values query) {
    std::sort(query.begin(), query.end());
    std::string out;
    for (const auto& [name, value] : query)
        out += (out.empty() ? "" : "&") + sdk_encode(name) + "=" + sdk_encode(value);
    return out;
}

std::string sdk_canonical_request(const signable_request& request) {
    // Decode, split on '/', encode each segment: an encoded %2F becomes a separator (§2.3 quirk).
    std::string uri;
    const auto segments = split(percent_decode(request.path), '/');
    for (std::size_t i = 0; i < segments.size(); ++i) uri += (i == 0 ? "" : "/") + sdk_encode(segments[i]);
    if (uri.empty() || uri.back() != '/') uri.push_back('/');
    return canonical(request, uri, sdk_query_string(request.query), signed_headers_of(request.headers, true));
}

std::string sdk_authorization(const signable_request& request, const std::string& access_key,
                              const std::string& secret_key) {
    const std::string string_to_sign = std::string(algorithm) + "\n" + header_value(request, "X-Sdk-Date") +
                                       "\n" + hex_sha256(sdk_canonical_request(request));
    return std::string(algorithm) + " Access=" + access_key +
           ", SignedHeaders=" + joined_names(signed_headers_of(request.headers, true)) +
           ", Signature=" + to_hex(hmac_sha256(secret_key, string_to_sign));
}

std::string legacy_dis_canonical_request(const signable_request& request) {
    // Empty and "." segments are dropped, ".." pops one; the result always ends with '/'.
    std::vector<std::string> kept;
    for (const auto& segment : split(percent_decode(request.path), '/')) {
        if (segment.empty() || segment == ".") continue;
        if (segment == "..") {
            if (!kept.empty()) kept.pop_back();
            continue;
        }
        kept.push_back(sdk_encode(segment));
    }
    std::string uri = "/";
    for (const auto& segment : kept) uri += segment + "/";
    auto query = request.query;
    std::sort(query.begin(), query.end());
    std::string query_text;
    for (const auto& [name, value] : query) {
        query_text += (query_text.empty() ? "" : "&") + sdk_encode(name) +
                      (value.empty() ? "" : "=" + sdk_encode(value));
    }
    return canonical(request, uri, query_text, signed_headers_of(request.headers, false));
}

std::string legacy_dis_authorization(const signable_request& request, const std::string& access_key,
                                     const std::string& secret_key, const std::string& region) {
    const std::string date_time = header_value(request, "X-Sdk-Date");
    const std::string date = date_time.substr(0, 8);
    const std::string scope = date + "/" + region + "/dis/sdk_request";
    const std::string string_to_sign = std::string(algorithm) + "\n" + date_time + "\n" + scope + "\n" +
                                       hex_sha256(legacy_dis_canonical_request(request));
    std::string key = "SDK" + secret_key;
    for (const std::string& part : {date, region, std::string("dis"), std::string("sdk_request")}) {
        key = hmac_sha256(key, part);
    }
    return std::string(algorithm) + " Credential=" + access_key + "/" + scope +
           ", SignedHeaders=" + joined_names(signed_headers_of(request.headers, false)) +
           ", Signature=" + to_hex(hmac_sha256(key, string_to_sign));
}

namespace {

std::string go_query_escape(std::string_view text) {
    std::string out;
    for (const char c : text) out += c == ' ' ? std::string("+") : sdk_encode(std::string_view(&c, 1));
    return out;
}

std::string collapse_whitespace(std::string_view text) {
    std::string out;
    bool in_space = false;
    for (const char c : text) {
        const bool space = std::isspace(static_cast<unsigned char>(c)) != 0;
        if (!space) out.push_back(c);
        if (space && !in_space) out.push_back(' ');
        in_space = space;
    }
    return out;
}

// The headers as each SDK lists them for signing: (lower-case name, value) in signing order.
name_values dis_sdk_headers(dis_sdk sdk, const name_values& headers) {
    name_values out;
    for (const auto& [name, value] : headers) {
        switch (sdk) {
            case dis_sdk::java:
                out.emplace_back(lower(name), collapse_whitespace(value));
                break;
            case dis_sdk::go:
                out.emplace_back(lower(name), value);
                break;
            case dis_sdk::python: {
                std::string v = trim(value);
                if (lower(name) == "host") v = v.substr(0, v.find(':'));
                out.emplace_back(lower(name), v);
                break;
            }
        }
    }
    std::sort(out.begin(), out.end());
    return out;
}

std::string dis_sdk_uri(dis_sdk sdk, const std::string& path) {
    std::string uri;
    switch (sdk) {
        case dis_sdk::java:
            // HttpUtils.appendUri encodes the path once, the signer again (doubleUrlEncode), '/' kept.
            for (const auto& segment : split(path, '/')) {
                uri += (uri.empty() && segment.empty() ? "" : "/") + sdk_encode(sdk_encode(segment));
            }
            if (uri.empty() || uri.front() != '/') uri = "/" + uri;
            return uri;
        case dis_sdk::go:
            for (const auto& segment : split(path, '/')) {
                if (!segment.empty()) uri += "/" + segment;
            }
            return uri + "/";
        case dis_sdk::python: {
            std::vector<std::string> kept;
            for (const auto& segment : split(path, '/')) {
                if (segment.empty() || segment == ".") continue;
                if (segment == "..") {
                    if (!kept.empty()) kept.pop_back();
                    continue;
                }
                kept.push_back(sdk_encode(segment));
            }
            uri = "/";
            for (const auto& segment : kept) uri += segment + "/";
            return uri;
        }
    }
    return uri;
}

std::string dis_sdk_query(dis_sdk sdk, const name_values& query) {
    std::vector<std::string> items;
    if (sdk == dis_sdk::python) {
        for (const auto& [name, value] : query) {
            items.push_back(sdk_encode(name) + (value.empty() ? "" : "=" + sdk_encode(value)));
        }
        std::sort(items.begin(), items.end());
    } else {
        name_values sorted;
        for (const auto& [name, value] : query) {
            sorted.emplace_back(sdk == dis_sdk::java ? sdk_encode(name) : name, value);
        }
        std::sort(sorted.begin(), sorted.end());
        for (const auto& [name, value] : sorted) {
            items.push_back(sdk == dis_sdk::java ? name + "=" + sdk_encode(value)
                                                 : go_query_escape(name) + "=" + go_query_escape(value));
        }
    }
    std::string out;
    for (const auto& item : items) out += (out.empty() ? "" : "&") + item;
    return out;
}

}  // namespace

std::string dis_sdk_canonical_request(dis_sdk sdk, const signable_request& request) {
    return canonical(request, dis_sdk_uri(sdk, request.path), dis_sdk_query(sdk, request.query),
                     dis_sdk_headers(sdk, request.headers));
}

std::string dis_sdk_authorization(dis_sdk sdk, const signable_request& request, const std::string& access_key,
                                  const std::string& secret_key, const std::string& region, bool derived) {
    const std::string date_time = header_value(request, "X-Sdk-Date");
    const std::string date = date_time.substr(0, 8);
    const std::string scope = date + "/" + region + "/dis/sdk_request";
    std::string secret = secret_key;
    if (derived) {
        // HKDF-SHA256 with one output block: extract with the AK as salt, expand with info || 0x01.
        const std::string prk = hmac_sha256(access_key, secret_key);
        secret = to_hex(hmac_sha256(prk, date + "/" + region + "/dis" + '\x01'));
    }
    const std::string name = derived ? "V11-HMAC-SHA256" : std::string(algorithm);
    const std::string string_to_sign =
        name + "\n" + date_time + "\n" + scope + "\n" + hex_sha256(dis_sdk_canonical_request(sdk, request));
    std::string key = "SDK" + secret;
    for (const std::string& part : {date, region, std::string("dis"), std::string("sdk_request")}) {
        key = hmac_sha256(key, part);
    }
    return name + " Credential=" + access_key + "/" + scope +
           ", SignedHeaders=" + joined_names(dis_sdk_headers(sdk, request.headers)) +
           ", Signature=" + to_hex(hmac_sha256(key, string_to_sign));
}

std::string sdk_date(long long epoch_ms) {
    const std::time_t seconds = static_cast<std::time_t>(epoch_ms / 1000);
    std::tm utc{};
    gmtime_r(&seconds, &utc);
    char text[32];
    std::strftime(text, sizeof text, "%Y%m%dT%H%M%SZ", &utc);
    return text;
}

}  // namespace emu::test
