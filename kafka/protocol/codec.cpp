#include "kafka/protocol/codec.hpp"

#include <limits>

namespace emu::kafka::protocol {

namespace {

template <class T>
T read_big_endian(std::string_view bytes, std::size_t pos) {
    using U = std::make_unsigned_t<T>;
    U v = 0;
    for (std::size_t i = 0; i < sizeof(T); ++i)
        v = static_cast<U>((v << 8) | static_cast<unsigned char>(bytes[pos + i]));
    return static_cast<T>(v);
}

template <class T>
void write_big_endian(std::string& out, T v) {
    using U = std::make_unsigned_t<T>;
    const auto u = static_cast<U>(v);
    for (std::size_t i = sizeof(T); i-- > 0;) out.push_back(static_cast<char>((u >> (8 * i)) & 0xff));
}

}  // namespace

void reader::need(std::size_t n) const {
    if (n > remaining())
        throw decode_error("truncated: " + std::to_string(n) + " bytes needed, " +
                           std::to_string(remaining()) + " left");
}

std::int8_t reader::int8() {
    need(1);
    return static_cast<std::int8_t>(bytes_[pos_++]);
}

std::int16_t reader::int16() {
    need(2);
    const auto v = read_big_endian<std::int16_t>(bytes_, pos_);
    pos_ += 2;
    return v;
}

std::int32_t reader::int32() {
    need(4);
    const auto v = read_big_endian<std::int32_t>(bytes_, pos_);
    pos_ += 4;
    return v;
}

std::int64_t reader::int64() {
    need(8);
    const auto v = read_big_endian<std::int64_t>(bytes_, pos_);
    pos_ += 8;
    return v;
}

std::uint32_t reader::uint32() {
    need(4);
    const auto v = read_big_endian<std::uint32_t>(bytes_, pos_);
    pos_ += 4;
    return v;
}

std::uint32_t reader::unsigned_varint() {
    std::uint32_t v = 0;
    for (int shift = 0; shift < 35; shift += 7) {
        need(1);
        const auto b = static_cast<unsigned char>(bytes_[pos_++]);
        if (shift == 28 && (b & 0xf0) != 0) throw decode_error("unsigned varint overflows 32 bits");
        v |= static_cast<std::uint32_t>(b & 0x7f) << shift;
        if ((b & 0x80) == 0) return v;
    }
    throw decode_error("unsigned varint longer than 5 bytes");
}

std::int32_t reader::varint() {
    const std::uint32_t u = unsigned_varint();
    return static_cast<std::int32_t>((u >> 1) ^ (~(u & 1) + 1));
}

std::int64_t reader::varlong() {
    std::uint64_t u = 0;
    for (int shift = 0; shift < 70; shift += 7) {
        need(1);
        const auto b = static_cast<unsigned char>(bytes_[pos_++]);
        if (shift == 63 && (b & 0xfe) != 0) throw decode_error("varlong overflows 64 bits");
        u |= static_cast<std::uint64_t>(b & 0x7f) << shift;
        if ((b & 0x80) == 0) return static_cast<std::int64_t>((u >> 1) ^ (~(u & 1) + 1));
    }
    throw decode_error("varlong longer than 10 bytes");
}

std::string_view reader::raw(std::size_t n) {
    need(n);
    const auto v = bytes_.substr(pos_, n);
    pos_ += n;
    return v;
}

std::string_view reader::string() {
    const auto v = nullable_string();
    if (!v) throw decode_error("null where a string is required");
    return *v;
}

std::optional<std::string_view> reader::nullable_string() {
    const std::int16_t n = int16();
    if (n == -1) return std::nullopt;
    if (n < 0) throw decode_error("negative string length");
    return raw(static_cast<std::size_t>(n));
}

std::string_view reader::compact_string() {
    const auto v = compact_nullable_string();
    if (!v) throw decode_error("null where a string is required");
    return *v;
}

std::optional<std::string_view> reader::compact_nullable_string() {
    const std::uint32_t n = unsigned_varint();
    if (n == 0) return std::nullopt;
    return raw(n - 1);
}

std::string_view reader::bytes() {
    const auto v = nullable_bytes();
    if (!v) throw decode_error("null where bytes are required");
    return *v;
}

std::optional<std::string_view> reader::nullable_bytes() {
    const std::int32_t n = int32();
    if (n == -1) return std::nullopt;
    if (n < 0) throw decode_error("negative bytes length");
    return raw(static_cast<std::size_t>(n));
}

std::optional<std::string_view> reader::compact_nullable_bytes() {
    return compact_nullable_string();
}

std::int32_t reader::array_length(bool flexible, std::size_t min_element_bytes) {
    std::int64_t n = 0;
    if (flexible) {
        n = static_cast<std::int64_t>(unsigned_varint()) - 1;
    } else {
        n = int32();
    }
    if (n == -1) return 0;
    if (n < 0) throw decode_error("negative array length");
    if (min_element_bytes > 0 && static_cast<std::uint64_t>(n) > remaining() / min_element_bytes) {
        throw decode_error("array of " + std::to_string(n) + " elements in " + std::to_string(remaining()) +
                           " bytes");
    }
    return static_cast<std::int32_t>(n);
}

void reader::skip_tagged_fields() {
    const std::uint32_t count = unsigned_varint();
    if (count > remaining()) throw decode_error("more tagged fields than bytes");
    for (std::uint32_t i = 0; i < count; ++i) {
        unsigned_varint();  // tag
        raw(unsigned_varint());
    }
}

void writer::int8(std::int8_t v) {
    out_.push_back(static_cast<char>(v));
}
void writer::int16(std::int16_t v) {
    write_big_endian(out_, v);
}
void writer::int32(std::int32_t v) {
    write_big_endian(out_, v);
}
void writer::int64(std::int64_t v) {
    write_big_endian(out_, v);
}
void writer::uint32(std::uint32_t v) {
    write_big_endian(out_, v);
}

void writer::unsigned_varint(std::uint32_t v) {
    while (v >= 0x80) {
        out_.push_back(static_cast<char>((v & 0x7f) | 0x80));
        v >>= 7;
    }
    out_.push_back(static_cast<char>(v));
}

void writer::varint(std::int32_t v) {
    unsigned_varint((static_cast<std::uint32_t>(v) << 1) ^ static_cast<std::uint32_t>(v >> 31));
}

void writer::varlong(std::int64_t v) {
    auto u = (static_cast<std::uint64_t>(v) << 1) ^ static_cast<std::uint64_t>(v >> 63);
    while (u >= 0x80) {
        out_.push_back(static_cast<char>((u & 0x7f) | 0x80));
        u >>= 7;
    }
    out_.push_back(static_cast<char>(u));
}

void writer::string(std::string_view v, bool flexible) {
    nullable_string(v, flexible);
}

void writer::nullable_string(const std::optional<std::string_view>& v, bool flexible) {
    if (flexible) {
        unsigned_varint(v ? static_cast<std::uint32_t>(v->size() + 1) : 0);
    } else {
        int16(v ? static_cast<std::int16_t>(v->size()) : std::int16_t{-1});
    }
    if (v) out_.append(*v);
}

void writer::nullable_bytes(const std::optional<std::string_view>& v, bool flexible) {
    if (flexible) {
        unsigned_varint(v ? static_cast<std::uint32_t>(v->size() + 1) : 0);
    } else {
        int32(v ? static_cast<std::int32_t>(v->size()) : -1);
    }
    if (v) out_.append(*v);
}

void writer::array_length(std::size_t n, bool flexible) {
    if (flexible) {
        unsigned_varint(static_cast<std::uint32_t>(n + 1));
    } else {
        int32(static_cast<std::int32_t>(n));
    }
}

void writer::patch_int32(std::size_t at, std::int32_t v) {
    const auto u = static_cast<std::uint32_t>(v);
    for (std::size_t i = 0; i < 4; ++i) out_[at + i] = static_cast<char>((u >> (8 * (3 - i))) & 0xff);
}

}  // namespace emu::kafka::protocol
