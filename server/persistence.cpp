#include "server/persistence.hpp"

#include <malloc.h>
#include <spdlog/spdlog.h>

#include <set>
#include <stdexcept>

#include "routes/control/fixture.hpp"

namespace emu::server {

namespace {

// A name part as a path component: letters, digits, '_' and '-' stay, every other byte is %XX (so no part
// is "." or "..", or holds a '/'); an empty part is "%".
std::string escape_part(const std::string& part) {
    if (part.empty()) return "%";
    static constexpr char hex[] = "0123456789ABCDEF";
    std::string out;
    out.reserve(part.size());
    for (const char c : part) {
        const auto u = static_cast<unsigned char>(c);
        if ((u >= 'a' && u <= 'z') || (u >= 'A' && u <= 'Z') || (u >= '0' && u <= '9') || u == '_' ||
            u == '-') {
            out.push_back(c);
        } else {
            out.push_back('%');
            out.push_back(hex[u >> 4]);
            out.push_back(hex[u & 15]);
        }
    }
    return out;
}

std::string log_key(const std::vector<std::string>& name) {
    std::string out;
    for (const auto& part : name) {
        if (!out.empty()) out.push_back('/');
        out += escape_part(part);
    }
    return out;
}

// Removes a log's directory, and the parents (topic, instance, project) it leaves empty.
void remove_log_dir(const std::filesystem::path& root, const std::string& key) {
    auto dir = root / key;
    std::filesystem::remove_all(dir);
    std::error_code error;
    for (dir = dir.parent_path(); dir != root && dir.has_relative_path(); dir = dir.parent_path()) {
        if (!std::filesystem::is_empty(dir, error) || error || !std::filesystem::remove(dir, error)) break;
    }
}

std::string metadata_key(char kind, const std::string& project_id) {
    return std::string(1, kind) + "/" + project_id;
}

void put_or_erase(const std::map<std::string, std::string>& held, const std::string& key,
                  const std::string& value, std::vector<persist::entity_change>& out) {
    const auto it = held.find(key);
    if (value.empty()) {
        if (it != held.end()) out.push_back({key, std::nullopt});
    } else if (it == held.end() || it->second != value) {
        out.push_back({key, value});
    }
}

// The logs `what` may have changed; with `changed`, only those it accepts.
std::vector<state::log_extent> extents_of(const state::state& st, const persistence::scope& what,
                                          const state::log_filter* changed = nullptr) {
    std::vector<state::log_extent> out;
    if (what.metadata || what.kafka) {
        out = st.kafka.log_extents(what.project_id, what.metadata ? std::nullopt : what.instance_id, changed);
    }
    if (what.metadata || what.dis) {
        auto dis = st.dis.log_extents(what.project_id, changed);
        out.insert(out.end(), std::make_move_iterator(dis.begin()), std::make_move_iterator(dis.end()));
    }
    return out;
}

}  // namespace

std::optional<persist::fsync_policy> parse_fsync_policy(const std::string& name) {
    if (name == "always") return persist::fsync_policy::always;
    if (name == "interval") return persist::fsync_policy::interval;
    if (name == "never") return persist::fsync_policy::never;
    return std::nullopt;
}

persistence::persistence(const std::filesystem::path& dir, persist::fsync_policy policy,
                         std::chrono::milliseconds interval)
    : dir_(dir), policy_(policy), metadata_(dir, policy) {
    std::vector<std::string> cut;
    metadata_.open(&cut);
    for (const auto& line : cut) spdlog::warn("--data-dir {}: cut a torn tail: {}", dir.string(), line);
    if (policy == persist::fsync_policy::interval) {
        flusher_ = std::make_unique<persist::flusher>(interval);
        flusher_->add([this] { sync_files(); });
    }
}

persistence::~persistence() {
    flusher_.reset();  // a last round first
}

bool persistence::holds_state() const {
    return !dir_.fresh();
}

void persistence::sync_files() {
    // The files are taken under the lock and synced without it: commits go on while the disk works.
    std::vector<persist::pending_sync> pending;
    {
        std::lock_guard lock(mutex_);
        if (auto sync = metadata_.sync_later()) pending.push_back(std::move(*sync));
        for (auto& [key, tracked] : logs_) {
            if (auto sync = tracked.log->sync_later()) pending.push_back(std::move(*sync));
        }
    }
    std::size_t failed = 0;
    std::string first_error;
    for (auto& sync : pending) {
        try {
            sync.run();
        } catch (const persist::write_failed& error) {
            if (failed++ == 0) first_error = error.what();
        }
    }
    if (failed > 0) {
        spdlog::error("--data-dir {}: {} files could not be synced, the first: {}", path().string(), failed,
                      first_error);
        throw std::runtime_error(first_error);
    }
}

void persistence::restore(state::state& st) {
    std::lock_guard lock(mutex_);
    const auto& held = metadata_.entities();
    const std::string source = (dir_.path() / "metadata.log").string();
    for (const auto& [key, value] : held) {
        if (key.starts_with("p/")) routes::control::load_fixture_text(value, source, st);
    }
    const auto root = dir_.path() / "logs";
    for (auto& extent : extents_of(st, scope{})) {
        const std::string key = log_key(extent.name);
        tracked_log tracked{std::make_unique<persist::segment_log>(root / key, policy_), extent.incarnation,
                            extent.partition, 0, 0};
        auto recovered = tracked.log->open();
        for (const auto& line : recovered.cut)
            spdlog::warn("--data-dir {}: cut a torn tail: {}", path().string(), line);
        const std::int64_t start = std::max(extent.start, recovered.start);
        std::vector<state::stored_entry> entries;
        entries.reserve(recovered.entries.size());
        for (const auto& e : recovered.entries)
            entries.push_back({e.first, e.last, e.bytes, recovered.files[e.file].data});
        try {
            extent.restore(start, entries);
        } catch (const std::invalid_argument& error) {
            throw persist::corrupt_file(root / key, 0, error.what());
        }
        // What the log kept of the segments (Kafka batches) is read from the page cache when a Fetch asks
        // for it, not held resident; what it copied is unmapped when the last copy below goes.
        for (const auto& file : recovered.files) file.drop_resident();
        entries.clear();
        recovered = {};
        const auto bounds = extent.read(INT64_MAX, [](const state::stored_entry&) {});
        tracked.start = bounds.start;
        tracked.end = bounds.end;
        auto& kept = logs_.emplace(key, std::move(tracked)).first->second;
        by_identity_[{kept.incarnation, kept.partition}] = &kept;
    }
    for (const auto& [key, value] : held) {
        if (key.starts_with("c/")) routes::control::load_fixture_text(value, source, st);
    }
    // What reading took (the documents, the entry lists) goes back to the system: a restored emulator holds
    // no more than one that received the same writes.
    ::malloc_trim(0);
}

bool persistence::sync_logs(const std::vector<state::log_extent>& extents,
                            const std::vector<std::string>& prefixes, std::vector<std::string>& gone) {
    bool changed = false;
    std::set<const tracked_log*> seen;
    const auto root = dir_.path() / "logs";
    for (const auto& extent : extents) {
        tracked_log* t = nullptr;
        if (const auto known = by_identity_.find({extent.incarnation, extent.partition});
            known != by_identity_.end()) {
            t = known->second;  // the log the directory holds for it: no name to make and look up
        } else {
            const std::string key = log_key(extent.name);
            auto it = logs_.find(key);
            if (it != logs_.end()) {
                // The same name made anew (a topic deleted and created again): the old log goes.
                it->second.log.reset();
                remove_log_dir(root, key);
                by_identity_.erase({it->second.incarnation, it->second.partition});
                logs_.erase(it);
            }
            // Whatever a crash left under this name belongs to no log the metadata knows.
            std::filesystem::remove_all(root / key);
            tracked_log fresh{std::make_unique<persist::segment_log>(root / key, policy_), extent.incarnation,
                              extent.partition, extent.start, extent.start};
            fresh.log->open();
            t = &logs_.emplace(key, std::move(fresh)).first->second;
            by_identity_[{extent.incarnation, extent.partition}] = t;
            changed = true;
        }
        if (!prefixes.empty()) seen.insert(t);
        if (extent.start == t->start && extent.end == t->end) continue;
        const auto bounds = extent.read(t->end, [t](const state::stored_entry& entry) {
            if (entry.last < t->end) return;  // held already
            t->log->append(entry.first, entry.last, entry.bytes);
            t->end = entry.last + 1;
        });
        t->end = std::max(t->end, bounds.end);
        if (bounds.start > t->start) {
            t->log->set_start(bounds.start);
            t->start = bounds.start;
        }
    }
    for (const auto& prefix : prefixes) {
        for (auto it = logs_.lower_bound(prefix); it != logs_.end() && it->first.starts_with(prefix); ++it) {
            if (!seen.contains(&it->second)) {
                gone.push_back(it->first);
                changed = true;
            }
        }
    }
    return changed;
}

void persistence::metadata_changes(const state::state& st, const std::string& project_id,
                                   std::vector<persist::entity_change>& out) const {
    const auto documents = routes::control::export_stored_project(st, project_id);
    put_or_erase(metadata_.entities(), metadata_key('p', project_id), documents.main, out);
    put_or_erase(metadata_.entities(), metadata_key('c', project_id), documents.checkpoints, out);
}

void persistence::commit(const state::state& st, const scope& what) {
    std::lock_guard lock(mutex_);
    std::vector<std::string> prefixes;  // where the logs that went are looked for
    std::vector<state::log_extent> extents;
    if (what.metadata) {
        if (!what.project_id) {
            prefixes = {"dis/", "kafka/"};
        } else {
            const std::string project = escape_part(*what.project_id) + "/";
            prefixes = {"dis/" + project, "kafka/" + project};
        }
        extents = extents_of(st, what);  // all of them: those that went are the ones not among them
    } else {
        // After a produce: only the logs that differ from what the directory holds (one, usually). Logs
        // that went are left to the commit of the request that removed them.
        const state::log_filter changed = [this](std::uint64_t incarnation, std::int32_t partition,
                                                 std::int64_t start, std::int64_t end) {
            const auto it = by_identity_.find({incarnation, partition});
            return it == by_identity_.end() || it->second->start != start || it->second->end != end;
        };
        extents = extents_of(st, what, &changed);
    }
    std::vector<std::string> gone;
    const bool logs_changed = sync_logs(extents, prefixes, gone);
    if (!what.metadata && !logs_changed) return;
    std::vector<persist::entity_change> changes;
    if (what.project_id) {
        metadata_changes(st, *what.project_id, changes);
    } else {
        std::set<std::string> projects;
        for (const auto& id : st.kafka.project_ids()) projects.insert(id);
        for (const auto& id : st.dis.project_ids()) projects.insert(id);
        for (const auto& [key, value] : metadata_.entities()) projects.insert(key.substr(2));
        for (const auto& id : projects) metadata_changes(st, id, changes);
    }
    metadata_.apply(changes);
    // Only once the metadata no longer names them: a crash in between leaves logs nothing names, which the
    // next log of their name clears, never a topic without its messages.
    for (const auto& key : gone) {
        if (const auto it = logs_.find(key); it != logs_.end()) {
            by_identity_.erase({it->second.incarnation, it->second.partition});
            logs_.erase(it);
        }
        remove_log_dir(dir_.path() / "logs", key);
    }
}

}  // namespace emu::server
