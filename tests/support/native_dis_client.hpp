#pragma once

// Requests as DIS's own SDKs put them on the wire (shared/reference/dis-native-sdks.md §2.1, §2.3, §2.4),
// each signed with the legacy DIS form its SDK uses (SDK-HMAC-SHA256 Credential=AK/date/region/dis/
// sdk_request, auth.md §5). The SDKs cannot be installed here; what each one sends was read from its source
// (cited where each style is built, in native_dis_client.cpp).

#include <string>

#include "routes/auth/authenticate.hpp"
#include "tests/support/sdk_signer.hpp"
#include "tests/support/test_server.hpp"

namespace emu::test {

enum class native_sdk {
    java,    // huaweicloud-sdk-java-dis 1.3.x, and every connector on it (Kafka adapter, Flink, Flume, ...)
    python,  // huaweicloud-sdk-python-dis 2.0.x, derivationKeySwitch=False (its legacy signature)
    go,      // huaweicloud-sdk-go-dis 1.0.x, client.FactoryEx
};

const char* to_string(native_sdk sdk);

inline const std::string native_access_key = "NATIVESDKACCESSKEY01";
inline const std::string native_secret_key = "native-sdk-secret-key-for-the-tests";
inline const std::string native_region = "cn-north-1";

// --auth-mode strict knowing the native key above, and test_token for the setup calls of
// test_server::request.
routes::auth::auth_settings native_strict_settings();

class native_client {
  public:
    native_client(test_server& server, native_sdk sdk, std::string access_key = native_access_key,
                  std::string secret_key = native_secret_key, std::string project = project_id);

    // `rest` is the path after /v2/{project_id} exactly as the SDK writes it, with or without its trailing
    // '/'. `query` holds the pairs in the order the SDK puts them on the wire, with the values the SDK holds;
    // the SDK's own rules encode them: Java writes them raw, each followed by '&'; Python form-encodes them
    // (requests' urlencode); Go writes them raw, an empty value as the bare name. `content_type` replaces
    // the SDK's JSON Content-Type (its protobuf one, say) when given.
    http_reply call(const std::string& method, const std::string& rest, const name_values& query = {},
                    const std::string& body = {}, const std::string& content_type = {}) const;

    // What went over the wire in the last call.
    const std::string& last_target() const { return last_target_; }
    const name_values& last_headers() const { return last_headers_; }

  private:
    test_server& server_;
    native_sdk sdk_;
    std::string access_key_;
    std::string secret_key_;
    std::string project_;
    mutable std::string last_target_;
    mutable name_values last_headers_;
};

// Python's requests encoding of a query value (urllib.parse.quote_plus): A-Z a-z 0-9 _ . - ~ kept, ' ' as
// '+', every other byte %XX.
std::string form_encode(const std::string& text);

}  // namespace emu::test
