#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

#include "kafka/protocol/error_codes.hpp"

// The Kafka protocol's primitive types (AK docs/protocol.html "Protocol Primitive Types"): big-endian
// integers, unsigned and zig-zag varints, strings and byte arrays with 16-, 32-bit or compact (unsigned
// varint N+1) lengths, and tagged-field sections. Reading is bounded by the bytes given: a length that
// points past the end, a varint longer than its type, or a negative length where none is allowed throws
// decode_error, and no read allocates more than the input holds.
namespace emu::kafka::protocol {

class decode_error : public std::runtime_error {
  public:
    using std::runtime_error::runtime_error;
};

class reader {
  public:
    explicit reader(std::string_view bytes) : bytes_(bytes) {}

    std::size_t remaining() const { return bytes_.size() - pos_; }
    std::size_t position() const { return pos_; }
    bool at_end() const { return pos_ == bytes_.size(); }

    std::int8_t int8();
    std::int16_t int16();
    std::int32_t int32();
    std::int64_t int64();
    std::uint32_t uint32();
    bool boolean() { return int8() != 0; }

    std::uint32_t unsigned_varint();
    std::int32_t varint();   // zig-zag
    std::int64_t varlong();  // zig-zag

    // STRING (int16 length, not null), NULLABLE_STRING (-1 = null), and their compact forms.
    std::string_view string();
    std::optional<std::string_view> nullable_string();
    std::string_view compact_string();
    std::optional<std::string_view> compact_nullable_string();
    // Either form, by the version's flexibility.
    std::string_view string(bool flexible) { return flexible ? compact_string() : string(); }
    std::optional<std::string_view> nullable_string(bool flexible) {
        return flexible ? compact_nullable_string() : nullable_string();
    }

    // BYTES / NULLABLE_BYTES (int32 length) and the compact forms.
    std::string_view bytes();
    std::optional<std::string_view> nullable_bytes();
    std::optional<std::string_view> compact_nullable_bytes();
    std::optional<std::string_view> nullable_bytes(bool flexible) {
        return flexible ? compact_nullable_bytes() : nullable_bytes();
    }

    // An ARRAY's element count (int32, -1 = null, read as 0) or a COMPACT_ARRAY's (N+1). Each element
    // takes at least `min_element_bytes`, so a count the remaining bytes cannot hold is refused.
    std::int32_t array_length(bool flexible, std::size_t min_element_bytes = 1);

    // Skips a tagged-field section (uvarint count, then tag, size, bytes each); nothing in flexible
    // versions before 'tags' is read.
    void skip_tagged_fields();
    // Skips the section when `flexible`.
    void tagged_fields(bool flexible) {
        if (flexible) skip_tagged_fields();
    }

    // `n` raw bytes.
    std::string_view raw(std::size_t n);

  private:
    void need(std::size_t n) const;

    std::string_view bytes_;
    std::size_t pos_ = 0;
};

// Bytes a writer was given to send as they lie rather than copy (writer::splice): they go into its output at
// `at`, and `holder` keeps them valid until they are sent.
struct spliced_bytes {
    std::size_t at = 0;
    std::string_view bytes;
    std::shared_ptr<const void> holder;
};

class writer {
  public:
    explicit writer(std::string& out) : out_(out) {}

    std::size_t size() const { return out_.size(); }

    void int8(std::int8_t v);
    void int16(std::int16_t v);
    void int32(std::int32_t v);
    void int64(std::int64_t v);
    void uint32(std::uint32_t v);
    void boolean(bool v) { int8(v ? 1 : 0); }

    void unsigned_varint(std::uint32_t v);
    void varint(std::int32_t v);
    void varlong(std::int64_t v);

    void string(std::string_view v, bool flexible = false);
    void nullable_string(const std::optional<std::string_view>& v, bool flexible = false);
    void nullable_bytes(const std::optional<std::string_view>& v, bool flexible = false);
    void array_length(std::size_t n, bool flexible = false);
    // An empty tagged-field section, when `flexible`.
    void tagged_fields(bool flexible) {
        if (flexible) unsigned_varint(0);
    }
    void raw(std::string_view v) { out_.append(v); }
    // An error code field (INT16); a non-zero one is also noted in the list given to note_errors, if any,
    // which is how the listener counts the errors it answers.
    void error(error_code code) {
        if (errors_ != nullptr && code != error_code::none) errors_->push_back(number(code));
        int16(number(code));
    }
    void note_errors(std::vector<std::int16_t>* errors) { errors_ = errors; }
    // Raw bytes that `holder` keeps valid: copied, unless the writer was given a list to splice them into
    // (splice_into), where they are noted at the output's current position instead; whoever sends the
    // output then sends them there, and counts them in its size.
    void splice(std::string_view v, const std::shared_ptr<const void>& holder) {
        if (splices_ == nullptr) return raw(v);
        if (!v.empty()) splices_->push_back({out_.size(), v, holder});
    }
    void splice_into(std::vector<spliced_bytes>* splices) { splices_ = splices; }

    // Overwrites 4 bytes at `at` (a size or CRC written after what it covers).
    void patch_int32(std::size_t at, std::int32_t v);

  private:
    std::string& out_;
    std::vector<std::int16_t>* errors_ = nullptr;
    std::vector<spliced_bytes>* splices_ = nullptr;
};

}  // namespace emu::kafka::protocol
