#include "persist/entity_log.hpp"

#include <stdexcept>
#include <system_error>

namespace emu::persist {

namespace {

constexpr std::uint8_t put_kind = 1;
constexpr std::uint8_t erase_kind = 2;

void put_text(std::string& out, std::string_view text) {
    append_u32(out, static_cast<std::uint32_t>(text.size()));
    out.append(text);
}

class cursor {
  public:
    explicit cursor(std::string_view bytes) : bytes_(bytes) {}
    bool u8(std::uint8_t& v) {
        if (at_ + 1 > bytes_.size()) return false;
        v = static_cast<std::uint8_t>(bytes_[at_++]);
        return true;
    }
    bool u32(std::uint32_t& v) {
        if (at_ + 4 > bytes_.size()) return false;
        v = read_u32(bytes_, at_);
        at_ += 4;
        return true;
    }
    bool text(std::string& out) {
        std::uint32_t n = 0;
        if (!u32(n) || n > bytes_.size() - at_) return false;
        out.assign(bytes_.substr(at_, n));
        at_ += n;
        return true;
    }
    bool done() const { return at_ == bytes_.size(); }

  private:
    std::string_view bytes_;
    std::size_t at_ = 0;
};

std::string encode(const std::vector<entity_change>& changes) {
    std::string out;
    append_u32(out, static_cast<std::uint32_t>(changes.size()));
    for (const auto& c : changes) {
        out.push_back(static_cast<char>(c.value ? put_kind : erase_kind));
        put_text(out, c.key);
        put_text(out, c.value ? std::string_view(*c.value) : std::string_view());
    }
    return out;
}

// The changes of one record, or none if it does not read as changes.
std::optional<std::vector<entity_change>> decode(std::string_view record) {
    cursor in(record);
    std::uint32_t count = 0;
    if (!in.u32(count)) return std::nullopt;
    std::vector<entity_change> out;
    for (std::uint32_t i = 0; i < count; ++i) {
        std::uint8_t kind = 0;
        entity_change c;
        std::string value;
        if (!in.u8(kind) || (kind != put_kind && kind != erase_kind) || !in.text(c.key) || !in.text(value))
            return std::nullopt;
        if (kind == put_kind) c.value = std::move(value);
        out.push_back(std::move(c));
    }
    if (!in.done()) return std::nullopt;
    return out;
}

}  // namespace

entity_log::entity_log(std::filesystem::path dir, fsync_policy policy)
    : dir_(std::move(dir)), policy_(policy) {}

entity_log::~entity_log() = default;

void entity_log::apply_to_map(const std::vector<entity_change>& changes) {
    for (const auto& c : changes) {
        if (const auto it = entities_.find(c.key); it != entities_.end()) {
            live_bytes_ -= it->first.size() + it->second.size();
            entities_.erase(it);
        }
        if (c.value) {
            live_bytes_ += c.key.size() + c.value->size();
            entities_.emplace(c.key, *c.value);
        }
    }
}

std::uint64_t entity_log::log_bytes() const {
    return writer_ ? writer_->size() : 0;
}

const std::map<std::string, std::string>& entity_log::open(std::vector<std::string>* cut) {
    std::error_code ec;
    std::filesystem::create_directories(dir_, ec);
    if (ec) throw write_failed(dir_, ec.value());
    entities_.clear();
    live_bytes_ = 0;
    const auto read = read_records(file());
    std::uint64_t at = 0;
    for (const auto& record : read.records) {
        const auto changes = decode(record);
        if (!changes) throw corrupt_file(file(), at, "a record that is not a set of changes");
        apply_to_map(*changes);
        at += frame_header_size + record.size();
    }
    if (read.torn && cut != nullptr)
        cut->push_back(file().string() + ": " + *read.torn + " at offset " +
                       std::to_string(read.intact_bytes) + ", cut off");
    writer_ = std::make_unique<framed_writer>(file(), policy_, read.intact_bytes);
    return entities_;
}

void entity_log::apply(const std::vector<entity_change>& changes) {
    if (changes.empty()) return;
    const auto record = encode(changes);
    if (record.size() > max_record_size)
        throw std::invalid_argument("a set of changes larger than a record (" +
                                    std::to_string(record.size()) + " bytes)");
    writer_->append(record);
    apply_to_map(changes);
    if (writer_->size() > 2 * live_bytes_ + (1u << 20)) {
        // The changes are in the log already: a compaction the disk refuses waits for the next chance.
        try {
            compact();
        } catch (const write_failed&) {
            std::error_code ignored;
            std::filesystem::remove(dir_ / "metadata.log.new", ignored);
        }
    }
}

void entity_log::sync() {
    if (writer_) writer_->sync();
}

std::optional<pending_sync> entity_log::sync_later() {
    return writer_ ? writer_->sync_later() : std::nullopt;
}

void entity_log::compact() {
    // The new file is whole once renamed, so its records need not be one: sets of at most 16 MiB.
    std::vector<std::string> records;
    std::vector<entity_change> part;
    std::size_t bytes = 0;
    for (const auto& [key, value] : entities_) {
        part.push_back({key, value});
        bytes += key.size() + value.size() + 9;
        if (bytes >= (16u << 20)) {
            records.push_back(encode(part));
            part.clear();
            bytes = 0;
        }
    }
    if (!part.empty() || entities_.empty()) records.push_back(encode(part));
    replace_file(file(), records, policy_);
    // Appends go to the new file from here, even if the directory's sync below fails.
    writer_ = std::make_unique<framed_writer>(file(), policy_, std::filesystem::file_size(file()));
    if (policy_ != fsync_policy::never) sync_dir(dir_);
}

}  // namespace emu::persist
