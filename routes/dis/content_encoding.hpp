#pragma once

#include <cstddef>

#include "routes/http/request.hpp"

namespace emu::routes::dis {

// The whole-body compression of DIS's native SDKs (the Java SDK's body.compress.enabled, on every POST and
// PUT, JSON or protobuf): `Content-Encoding: lz4` is one raw LZ4 block whose decoded size is
// `x-dis-lz4-content-length`; `snappy` is raw snappy; `zstd` is one or more zstd frames, whose decoded
// size `x-dis-zstd-content-length` gives when present. `identity`, an empty value or no header leave the
// body as it is. Otherwise the body is replaced by its decoded bytes.
//
// Refused with 400 DIS.4200 naming why, the body left as it came: an encoding other than these, bytes that
// do not decode, a missing or malformed length header, a length header that is not the decoded size, and
// a decoded size over `max_decoded` (the server's --body-limit), which is found without decoding past it.
void decode_content_encoding(request_context& ctx, std::size_t max_decoded);

}  // namespace emu::routes::dis
