#include "state/dis.hpp"

#include <algorithm>
#include <atomic>
#include <deque>
#include <mutex>

#include "state/errors.hpp"
#include "state/hashing.hpp"
#include "state/ids.hpp"

namespace emu::state {

namespace {

constexpr std::size_t stream_id_length = 19;
constexpr std::size_t app_id_length = 19;

}  // namespace

struct dis_store::partition {
    mutable std::mutex mutex;  // guards everything below
    dis_partition_status status = dis_partition_status::active;
    std::deque<dis_record> records;  // sequence numbers [earliest, next), contiguous
    std::int64_t earliest = 0;
    std::int64_t next = 0;

    dis_partition_state snapshot(std::int32_t index) const {
        std::lock_guard lock(mutex);
        return dis_partition_state{index, status, earliest, next};
    }
};

struct dis_store::stream {
    stream(stream_spec s, std::int64_t now) : spec(std::move(s)), last_modified_time(now) {
        for (std::int32_t i = 0; i < spec.partition_count; ++i) partitions.push_back(std::make_unique<partition>());
    }

    // spec and the partitions vector change only under the owning project's exclusive lock.
    stream_spec spec;
    std::int64_t last_modified_time = 0;
    std::vector<std::unique_ptr<partition>> partitions;
    std::atomic<std::uint32_t> round_robin{0};

    partition* at(std::int32_t index) const {
        if (index < 0 || index >= static_cast<std::int32_t>(partitions.size())) return nullptr;
        return partitions[static_cast<std::size_t>(index)].get();
    }

    stream_info info() const {
        stream_info out{spec, "RUNNING", last_modified_time, {}};
        out.partitions.reserve(partitions.size());
        for (std::size_t i = 0; i < partitions.size(); ++i) {
            out.partitions.push_back(partitions[i]->snapshot(static_cast<std::int32_t>(i)));
        }
        return out;
    }

    std::int32_t route(const record_input& record) {
        const auto count = static_cast<std::int32_t>(partitions.size());
        if (record.partition) return *record.partition;
        if (record.explicit_hash_key) return dis_partition_for_hash(*record.explicit_hash_key, count);
        if (record.partition_key) return dis_partition_for_hash(dis_partition_key_hash(*record.partition_key), count);
        std::vector<std::int32_t> writable;
        for (std::int32_t i = 0; i < count; ++i) {
            std::lock_guard lock(partitions[static_cast<std::size_t>(i)]->mutex);
            if (partitions[static_cast<std::size_t>(i)]->status == dis_partition_status::active) writable.push_back(i);
        }
        if (writable.empty()) return 0;
        return writable[round_robin.fetch_add(1) % writable.size()];
    }
};

struct dis_store::project {
    mutable std::shared_mutex mutex;  // guards streams, apps, checkpoints and each stream's spec
    std::map<std::string, std::shared_ptr<stream>> streams;
    std::map<std::string, app_spec> apps;
    std::map<checkpoint_key, checkpoint_value> checkpoints;

    // Caller holds `mutex`.
    const std::shared_ptr<stream>& require_stream(const std::string& project_id, const std::string& name) const {
        const auto it = streams.find(name);
        if (it == streams.end()) throw error(errc::stream_not_found, {name, project_id});
        return it->second;
    }

    // Caller holds `mutex`.
    const app_spec& require_app(const std::string& name) const {
        const auto it = apps.find(name);
        if (it == apps.end()) throw error(errc::app_not_found, {name});
        return it->second;
    }

    // Caller holds `mutex`.
    app_info app(const app_spec& spec) const {
        app_info out{spec.app_name, spec.app_id, spec.create_time.value_or(0), {}};
        for (const auto& [key, value] : checkpoints) {
            if (key.app_name == spec.app_name) out.commit_checkpoint_stream_names.push_back(key.stream_name);
        }
        out.commit_checkpoint_stream_names.erase(
            std::unique(out.commit_checkpoint_stream_names.begin(), out.commit_checkpoint_stream_names.end()),
            out.commit_checkpoint_stream_names.end());
        return out;
    }
};

namespace {

// Checks a partition index for a checkpoint or read: it exists and has not expired.
dis_store::partition& require_readable(const dis_store::stream& s, std::int32_t index) {
    dis_store::partition* p = s.at(index);
    if (p == nullptr) throw error(errc::dis_partition_not_found, {std::to_string(index)});
    std::lock_guard lock(p->mutex);
    if (p->status == dis_partition_status::expired) throw error(errc::dis_partition_expired, {std::to_string(index)});
    return *p;
}

}  // namespace

dis_store::dis_store(clock_fn clock, dis_limits limits) : clock_(std::move(clock)), limits_(limits) {}
dis_store::~dis_store() = default;

std::shared_ptr<dis_store::project> dis_store::find_project(const std::string& project_id) const {
    std::shared_lock lock(mutex_);
    const auto it = projects_.find(project_id);
    return it == projects_.end() ? nullptr : it->second;
}

std::shared_ptr<dis_store::project> dis_store::project_for(const std::string& project_id) {
    if (auto found = find_project(project_id)) return found;
    std::unique_lock lock(mutex_);
    auto& slot = projects_[project_id];
    if (!slot) slot = std::make_shared<project>();
    return slot;
}

stream_info dis_store::create_stream(const std::string& project_id, stream_spec spec) {
    const auto p = project_for(project_id);
    const std::int64_t now = clock_();
    if (spec.stream_id.empty()) spec.stream_id = new_alnum_id(stream_id_length);
    if (!spec.create_time) spec.create_time = now;
    std::unique_lock lock(p->mutex);
    if (p->streams.contains(spec.stream_name)) throw error(errc::stream_exists, {spec.stream_name});
    std::int64_t used = 0;  // 64-bit: a request near INT32_MAX partitions must not wrap past the quota
    for (const auto& [name, s] : p->streams) {
        if (s->spec.stream_type == spec.stream_type) used += static_cast<std::int64_t>(s->partitions.size());
    }
    const std::int64_t quota =
        spec.stream_type == "ADVANCED" ? limits_.advanced_partitions : limits_.common_partitions;
    if (used + spec.partition_count > quota) throw error(errc::stream_partition_quota_exceeded, {});
    auto created = std::make_shared<stream>(std::move(spec), now);
    auto info = created->info();
    p->streams.emplace(info.spec.stream_name, std::move(created));
    return info;
}

stream_info dis_store::get_stream(const std::string& project_id, const std::string& stream_name) const {
    const auto p = find_project(project_id);
    if (!p) throw error(errc::stream_not_found, {stream_name, project_id});
    std::shared_lock lock(p->mutex);
    return p->require_stream(project_id, stream_name)->info();
}

std::vector<record_result> dis_store::put_records(const std::string& project_id, const std::string& stream_name,
                                                  const std::vector<record_input>& records) {
    const auto p = find_project(project_id);
    if (!p) throw error(errc::stream_not_found, {stream_name, project_id});
    std::shared_lock lock(p->mutex);
    const auto& s = p->require_stream(project_id, stream_name);

    std::vector<std::int32_t> targets;
    targets.reserve(records.size());
    for (const auto& record : records) {
        const std::int32_t index = s->route(record);
        partition* target = s->at(index);
        if (target == nullptr) throw error(errc::dis_partition_not_found, {std::to_string(index)});
        std::lock_guard partition_lock(target->mutex);
        if (target->status != dis_partition_status::active) {
            throw error(errc::dis_partition_expired, {std::to_string(index)});
        }
        targets.push_back(index);
    }

    const std::int64_t now = clock_();
    std::vector<record_result> results;
    results.reserve(records.size());
    for (std::size_t i = 0; i < records.size(); ++i) {
        partition* target = s->at(targets[i]);
        std::lock_guard partition_lock(target->mutex);
        const std::int64_t sequence = target->next++;
        const std::int64_t timestamp = records[i].timestamp != 0 ? records[i].timestamp : now;
        target->records.push_back(dis_record{sequence, records[i].partition_key, records[i].data, timestamp});
        results.push_back(record_result{targets[i], sequence});
    }
    return results;
}

std::vector<dis_record> dis_store::records(const std::string& project_id, const std::string& stream_name,
                                           std::int32_t index) const {
    const auto p = find_project(project_id);
    if (!p) throw error(errc::stream_not_found, {stream_name, project_id});
    std::shared_lock lock(p->mutex);
    const auto& target = require_readable(*p->require_stream(project_id, stream_name), index);
    std::lock_guard partition_lock(target.mutex);
    return {target.records.begin(), target.records.end()};
}

app_info dis_store::create_app(const std::string& project_id, app_spec spec) {
    const auto p = project_for(project_id);
    if (spec.app_id.empty()) spec.app_id = new_alnum_id(app_id_length);
    if (!spec.create_time) spec.create_time = clock_();
    std::unique_lock lock(p->mutex);
    if (p->apps.contains(spec.app_name)) throw error(errc::app_exists, {spec.app_name});
    const auto& stored = p->apps.emplace(spec.app_name, std::move(spec)).first->second;
    return p->app(stored);
}

app_info dis_store::get_app(const std::string& project_id, const std::string& app_name) const {
    const auto p = find_project(project_id);
    if (!p) throw error(errc::app_not_found, {app_name});
    std::shared_lock lock(p->mutex);
    return p->app(p->require_app(app_name));
}

void dis_store::commit_checkpoint(const std::string& project_id, const checkpoint_key& key,
                                  std::int64_t sequence_number, std::string metadata) {
    const auto p = find_project(project_id);
    if (!p) throw error(errc::stream_not_found, {key.stream_name, project_id});
    std::unique_lock lock(p->mutex);
    const auto& s = p->require_stream(project_id, key.stream_name);
    p->require_app(key.app_name);
    const auto& target = require_readable(*s, key.partition);
    {
        std::lock_guard partition_lock(target.mutex);
        if (sequence_number < target.earliest || sequence_number > target.next) {
            throw error(errc::sequence_number_out_of_range,
                        {std::to_string(sequence_number), std::to_string(target.earliest), std::to_string(target.next)});
        }
    }
    p->checkpoints[key] = checkpoint_value{sequence_number, std::move(metadata)};
}

std::optional<checkpoint_value> dis_store::get_checkpoint(const std::string& project_id,
                                                          const checkpoint_key& key) const {
    const auto p = find_project(project_id);
    if (!p) throw error(errc::stream_not_found, {key.stream_name, project_id});
    std::shared_lock lock(p->mutex);
    const auto& s = p->require_stream(project_id, key.stream_name);
    p->require_app(key.app_name);
    require_readable(*s, key.partition);
    const auto it = p->checkpoints.find(key);
    if (it == p->checkpoints.end()) return std::nullopt;
    return it->second;
}

void dis_store::delete_checkpoints(const std::string& project_id, const std::string& app_name,
                                   const std::string& stream_name, std::optional<std::int32_t> partition_index,
                                   const std::string& checkpoint_type) {
    const auto p = find_project(project_id);
    if (!p) throw error(errc::stream_not_found, {stream_name, project_id});
    std::unique_lock lock(p->mutex);
    const auto& s = p->require_stream(project_id, stream_name);
    p->require_app(app_name);
    if (partition_index) {
        require_readable(*s, *partition_index);
        p->checkpoints.erase(checkpoint_key{app_name, stream_name, *partition_index, checkpoint_type});
        return;
    }
    std::erase_if(p->checkpoints, [&](const auto& entry) {
        const auto& key = entry.first;
        return key.app_name == app_name && key.stream_name == stream_name && key.checkpoint_type == checkpoint_type;
    });
}

void dis_store::reset() {
    std::unique_lock lock(mutex_);
    projects_.clear();
}

}  // namespace emu::state
