#include "state/dis/store.hpp"

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <deque>
#include <iterator>
#include <mutex>
#include <set>
#include <string_view>
#include <type_traits>

#include "state/errors.hpp"
#include "state/hashing.hpp"
#include "state/ids.hpp"
#include "state/record_log.hpp"

namespace emu::state {

namespace {

constexpr std::size_t stream_id_length = 19;
constexpr std::size_t app_id_length = 19;

dis_record to_record(const log_entry& entry) {
    dis_record out;
    out.sequence_number = entry.number;
    if (entry.key) out.partition_key.emplace(*entry.key);
    out.data.assign(entry.value);
    out.timestamp = entry.timestamp;
    out.accepted_at = entry.appended_ms;
    return out;
}

// Microseconds since `start`, for the latency metrics.
std::int64_t micros_since(std::chrono::steady_clock::time_point start) {
    return std::chrono::duration_cast<std::chrono::microseconds>(std::chrono::steady_clock::now() - start)
        .count();
}

// Per-minute traffic counters, oldest first; minutes older than traffic_window_ms go as new ones come.
// Counting is O(1) while the clock moves forward; a clock set back (tests) finds or inserts its minute.
class traffic_log {
  public:
    dis_traffic_point& at(std::int64_t now) {
        const std::int64_t start = now - (now % traffic_bucket_ms + traffic_bucket_ms) % traffic_bucket_ms;
        if (points_.empty() || points_.back().timestamp < start) {
            points_.push_back(dis_traffic_point{.timestamp = start});
            while (points_.front().timestamp < start - traffic_window_ms) points_.pop_front();
            return points_.back();
        }
        auto it = points_.end();
        while (it != points_.begin() && std::prev(it)->timestamp > start) --it;
        if (it != points_.begin() && std::prev(it)->timestamp == start) return *std::prev(it);
        return *points_.insert(it, dis_traffic_point{.timestamp = start});
    }

    // Adds this log's points in [from, to] into `into`, keyed by minute.
    void add_to(std::map<std::int64_t, dis_traffic_point>& into, std::int64_t from, std::int64_t to) const {
        for (const auto& p : points_) {
            if (p.timestamp < from || p.timestamp > to) continue;
            auto& sum =
                into.try_emplace(p.timestamp, dis_traffic_point{.timestamp = p.timestamp}).first->second;
            sum.put_records += p.put_records;
            sum.put_bytes += p.put_bytes;
            sum.get_records += p.get_records;
            sum.get_bytes += p.get_bytes;
            sum.put_requests += p.put_requests;
            sum.get_requests += p.get_requests;
            sum.put_latency_us += p.put_latency_us;
            sum.get_latency_us += p.get_latency_us;
        }
    }

  private:
    std::deque<dis_traffic_point> points_;
};

std::vector<dis_traffic_point> to_points(const std::map<std::int64_t, dis_traffic_point>& sums) {
    std::vector<dis_traffic_point> out;
    out.reserve(sums.size());
    for (const auto& [minute, point] : sums) out.push_back(point);
    return out;
}

}  // namespace

struct dis_store::partition {
    mutable std::mutex mutex;  // guards everything below
    dis_partition_status status = dis_partition_status::active;
    record_log records;            // sequence numbers [earliest(), next()); the key is the partition key
    std::int64_t deleted_at = 0;   // ms; when a scale-down cut it off
    std::int32_t hash_slices = 1;  // the partition count it was cut off from
    storage_charge charge;         // the bytes of `records`, against the store's budget
    mutable traffic_log traffic;   // records and bytes put and served, per minute

    // Caller holds `mutex`.
    std::int64_t earliest() const { return records.start(); }
    std::int64_t next() const { return records.end(); }

    // Retention is applied lazily, whenever a partition is looked at, so no timer thread is needed and the
    // injected clock alone decides. Caller holds `mutex`; the records that leave are freed when the result
    // is destroyed, which callers do after unlocking.
    [[nodiscard]] record_log::released settle(std::int64_t now, std::int64_t retention_ms) {
        if (status == dis_partition_status::deleted && now >= deleted_at + retention_ms) {
            status = dis_partition_status::expired;
            charge.release_all();
            return records.clear(records.end());
        }
        // A record expires once accepted_at + retention <= now.
        auto expired = records.trim(records.first_appended_since(now - retention_ms + 1));
        charge.shrink_to(static_cast<std::uint64_t>(records.stored_bytes()));
        return expired;
    }

    // Caller holds `mutex`.
    dis_partition_state state(std::int32_t index, std::int32_t writable_count) const {
        const std::int32_t slices = status == dis_partition_status::active ? writable_count : hash_slices;
        return dis_partition_state{index, status, earliest(), next(), slices};
    }
};

struct dis_store::stream {
    stream(stream_spec s, std::int64_t now)
        : spec(std::move(s)), last_modified_time(now), serial(next_stream_serial.fetch_add(1) + 1) {
        for (std::int32_t i = 0; i < spec.partition_count; ++i)
            partitions.push_back(std::make_unique<partition>());
    }

    // spec, changes and the partitions vector change only under the owning project's exclusive lock.
    // Partitions [0, spec.partition_count) are ACTIVE; any beyond were cut off by a scale-down.
    stream_spec spec;
    std::int64_t last_modified_time = 0;
    std::vector<std::unique_ptr<partition>> partitions;
    std::vector<partition_count_change> changes;
    std::map<std::string, transfer_task> tasks;  // by name; under the project's lock like spec
    std::atomic<std::uint32_t> round_robin{0};
    // Tells a stream from an earlier one with the same id (log_extent::incarnation).
    const std::uint64_t serial;
    static inline std::atomic<std::uint64_t> next_stream_serial{0};
    mutable std::mutex requests_mutex;  // guards requests: one lock per counted request, none per record
    mutable traffic_log requests;       // successful put and get requests and their latency, per minute

    void count_request(bool put, std::int64_t now, std::int64_t latency_us) const {
        std::lock_guard lock(requests_mutex);
        auto& point = requests.at(now);
        if (put) {
            ++point.put_requests;
            point.put_latency_us += latency_us;
        } else {
            ++point.get_requests;
            point.get_latency_us += latency_us;
        }
    }

    std::int64_t retention_ms() const { return std::int64_t{spec.data_duration} * ms_per_hour; }

    partition* at(std::int32_t index) const {
        if (index < 0 || index >= static_cast<std::int32_t>(partitions.size())) return nullptr;
        return partitions[static_cast<std::size_t>(index)].get();
    }

    stream_info info(std::int64_t now) const {
        stream_info out{spec, "RUNNING", last_modified_time, {}, changes};
        out.partitions.reserve(partitions.size());
        for (std::size_t i = 0; i < partitions.size(); ++i) {
            record_log::released expired;  // freed after the lock is released
            std::lock_guard lock(partitions[i]->mutex);
            expired = partitions[i]->settle(now, retention_ms());
            out.partitions.push_back(
                partitions[i]->state(static_cast<std::int32_t>(i), spec.partition_count));
        }
        return out;
    }

    std::int32_t route(const record_input& record) {
        const std::int32_t count = spec.partition_count;
        if (record.partition) return *record.partition;
        if (record.explicit_hash_key) return dis_partition_for_hash(*record.explicit_hash_key, count);
        if (record.partition_key)
            return dis_partition_for_hash(dis_partition_key_hash(*record.partition_key), count);
        return static_cast<std::int32_t>(round_robin.fetch_add(1) % static_cast<std::uint32_t>(count));
    }
};

namespace {

struct group_slot {
    std::mutex mutex;  // guards group
    consumer_group group;
};

}  // namespace

struct dis_store::project {
    // guards streams, apps, checkpoints, each stream's spec and the groups map (not the groups in it)
    mutable std::shared_mutex mutex;
    std::map<std::string, std::shared_ptr<stream>> streams;
    std::map<std::string, app_spec> apps;
    std::map<std::string, std::unique_ptr<group_slot>> groups;  // one per app, by app name
    std::map<checkpoint_key, checkpoint_value> checkpoints;

    // Caller holds `mutex`. The partitions of a stream that can still be read, for group assignments.
    std::vector<std::int32_t> readable_partitions(const std::string& name, std::int64_t now) const {
        std::vector<std::int32_t> out;
        const auto it = streams.find(name);
        if (it == streams.end()) return out;
        const auto& s = *it->second;
        for (std::size_t i = 0; i < s.partitions.size(); ++i) {
            record_log::released expired;  // freed after the lock is released
            std::lock_guard lock(s.partitions[i]->mutex);
            expired = s.partitions[i]->settle(now, s.retention_ms());
            if (s.partitions[i]->status != dis_partition_status::expired)
                out.push_back(static_cast<std::int32_t>(i));
        }
        return out;
    }

    // Caller holds `mutex`. Runs f(group, partitions) under the app's group lock; nullopt when there is no
    // such app.
    template <class F>
    auto with_group(const std::string& app_name, std::int64_t now, F&& f) const
        -> std::optional<std::invoke_result_t<F, consumer_group&, const readable_partitions_fn&>> {
        const auto it = groups.find(app_name);
        if (it == groups.end()) return std::nullopt;
        const readable_partitions_fn partitions = [this, now](const std::string& name) {
            return readable_partitions(name, now);
        };
        std::lock_guard lock(it->second->mutex);
        return std::forward<F>(f)(it->second->group, partitions);
    }

    // Caller holds `mutex`.
    const std::shared_ptr<stream>& require_stream(const std::string& project_id,
                                                  const std::string& name) const {
        const auto it = streams.find(name);
        if (it == streams.end())
            throw error(errc::stream_not_found, {.name = name, .project_id = project_id});
        return it->second;
    }

    // Caller holds `mutex`.
    const app_spec& require_app(const std::string& name) const {
        const auto it = apps.find(name);
        if (it == apps.end()) throw error(errc::app_not_found, {.name = name});
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

    // Caller holds `mutex`. Partition quotas count writable partitions, per stream type.
    std::int64_t used_partitions(const std::string& stream_type, const std::string& except) const {
        std::int64_t used = 0;  // 64-bit: a request near INT32_MAX partitions must not wrap past the quota
        for (const auto& [name, s] : streams) {
            if (name != except && s->spec.stream_type == stream_type) used += s->spec.partition_count;
        }
        return used;
    }
};

namespace {

// Runs `f` on a partition that exists and has not expired (retention applied as of `now`), under the
// partition's lock. Caller holds the project's lock.
template <class F>
auto with_readable(const dis_store::stream& s, std::int32_t index, std::int64_t now, F&& f) {
    dis_store::partition* p = s.at(index);
    if (p == nullptr) throw error(errc::partition_not_found, {.index = index});
    record_log::released expired;  // freed after the lock is released
    std::lock_guard lock(p->mutex);
    expired = p->settle(now, s.retention_ms());
    if (p->status == dis_partition_status::expired)
        throw error(errc::dis_partition_expired, {.index = index});
    return std::forward<F>(f)(*p);
}

void check_in_range(std::int64_t sequence_number, const dis_store::partition& p) {
    if (sequence_number < p.earliest() || sequence_number > p.next()) {
        throw error(errc::sequence_number_out_of_range,
                    {.requested = sequence_number, .low = p.earliest(), .high = p.next()});
    }
}

// Exclusive start in a name-keyed map: everything after `start_after`, or all when it is empty.
template <class Map>
auto first_after(const Map& map, const std::string& start_after) {
    return start_after.empty() ? map.begin() : map.upper_bound(start_after);
}

}  // namespace

std::int64_t base64_payload_size(std::string_view data) {
    std::int64_t padding = 0;
    for (auto it = data.rbegin(); it != data.rend() && *it == '=' && padding < 2; ++it) ++padding;
    return static_cast<std::int64_t>(data.size() / 4 * 3) - padding;
}

dis_store::dis_store(clock_fn clock, dis_limits limits, std::shared_ptr<storage_budget> budget)
    : clock_(std::move(clock)),
      limits_(limits),
      budget_(budget ? std::move(budget) : std::make_shared<storage_budget>()) {}
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
    if (p->streams.contains(spec.stream_name)) throw error(errc::stream_exists, {.name = spec.stream_name});
    if (p->used_partitions(spec.stream_type, {}) + spec.partition_count > quota(spec.stream_type)) {
        throw error(errc::stream_partition_quota_exceeded);
    }
    auto created = std::make_shared<stream>(std::move(spec), now);
    auto info = created->info(now);
    p->streams.emplace(info.spec.stream_name, std::move(created));
    return info;
}

stream_info dis_store::get_stream(const std::string& project_id, const std::string& stream_name) const {
    const auto p = find_project(project_id);
    if (!p) throw error(errc::stream_not_found, {.name = stream_name, .project_id = project_id});
    std::shared_lock lock(p->mutex);
    return p->require_stream(project_id, stream_name)->info(clock_());
}

stream_page dis_store::list_streams(const std::string& project_id, const std::string& start_after,
                                    std::size_t limit) const {
    stream_page page;
    const auto p = find_project(project_id);
    if (!p) return page;
    const std::int64_t now = clock_();
    std::shared_lock lock(p->mutex);
    page.total = p->streams.size();
    for (auto it = first_after(p->streams, start_after); it != p->streams.end(); ++it) {
        if (page.streams.size() == limit) {
            page.has_more = true;
            break;
        }
        page.streams.push_back(it->second->info(now));
    }
    return page;
}

void dis_store::delete_stream(const std::string& project_id, const std::string& stream_name) {
    const auto p = find_project(project_id);
    if (!p) throw error(errc::stream_not_found, {.name = stream_name, .project_id = project_id});
    std::unique_lock lock(p->mutex);
    p->require_stream(project_id, stream_name);
    p->streams.erase(stream_name);
    std::erase_if(p->checkpoints, [&](const auto& entry) { return entry.first.stream_name == stream_name; });
}

partition_count_change dis_store::update_partition_count(const std::string& project_id,
                                                         const std::string& stream_name,
                                                         std::int32_t target) {
    const auto p = find_project(project_id);
    if (!p) throw error(errc::stream_not_found, {.name = stream_name, .project_id = project_id});
    const std::int64_t now = clock_();
    std::unique_lock lock(p->mutex);
    auto& s = *p->require_stream(project_id, stream_name);
    const std::int32_t current = s.spec.partition_count;
    const partition_count_change change{now, current, target};
    if (target == current) return change;
    if (target > current &&
        p->used_partitions(s.spec.stream_type, stream_name) + target > quota(s.spec.stream_type)) {
        throw error(errc::stream_partition_quota_exceeded);
    }
    for (std::int32_t i = current; i < target; ++i) {
        if (partition* cut = s.at(i)) {
            // A partition cut off earlier comes back: its sequence numbers continue, its old records
            // stay readable for as long as retention allows.
            record_log::released expired;  // freed after the lock is released
            std::lock_guard partition_lock(cut->mutex);
            expired = cut->settle(now, s.retention_ms());
            cut->status = dis_partition_status::active;
        } else {
            s.partitions.push_back(std::make_unique<partition>());
        }
    }
    for (std::int32_t i = target; i < current; ++i) {
        partition* cut = s.at(i);
        std::lock_guard partition_lock(cut->mutex);
        cut->status = dis_partition_status::deleted;
        cut->deleted_at = now;
        cut->hash_slices = current;
    }
    s.changes.push_back(change);
    s.spec.partition_count = target;
    s.last_modified_time = now;
    return change;
}

stream_info dis_store::update_stream(const std::string& project_id, const std::string& stream_name,
                                     const stream_update& update) {
    const auto p = find_project(project_id);
    if (!p) throw error(errc::stream_not_found, {.name = stream_name, .project_id = project_id});
    const std::int64_t now = clock_();
    std::unique_lock lock(p->mutex);
    auto& s = *p->require_stream(project_id, stream_name);
    if (update.data_duration) s.spec.data_duration = *update.data_duration;
    if (update.data_type) s.spec.data_type = *update.data_type;
    if (update.data_schema) s.spec.data_schema = *update.data_schema;
    if (update.auto_scale_enabled) s.spec.auto_scale_enabled = *update.auto_scale_enabled;
    if (update.auto_scale_min_partition_count) {
        s.spec.auto_scale_min_partition_count = *update.auto_scale_min_partition_count;
    }
    if (update.auto_scale_max_partition_count) {
        s.spec.auto_scale_max_partition_count = *update.auto_scale_max_partition_count;
    }
    s.last_modified_time = now;
    return s.info(now);
}

std::vector<record_result> dis_store::put_records(const std::string& project_id,
                                                  const std::string& stream_name,
                                                  const std::vector<record_input>& records,
                                                  bool count_traffic) {
    const auto started = std::chrono::steady_clock::now();
    const auto p = find_project(project_id);
    if (!p) throw error(errc::stream_not_found, {.name = stream_name, .project_id = project_id});
    std::shared_lock lock(p->mutex);
    const auto& s = p->require_stream(project_id, stream_name);

    std::vector<std::int32_t> targets;
    targets.reserve(records.size());
    for (const auto& record : records) {
        const std::int32_t index = s->route(record);
        partition* target = s->at(index);
        if (target == nullptr) throw error(errc::partition_not_found, {.index = index});
        std::lock_guard partition_lock(target->mutex);
        if (target->status != dis_partition_status::active) {
            throw error(errc::dis_partition_expired, {.index = index});
        }
        targets.push_back(index);
    }

    // All or nothing, like the partition checks above.
    std::uint64_t bytes = 0;
    for (const auto& record : records) {
        bytes += record.data.size() + (record.partition_key ? record.partition_key->size() : 0);
    }
    if (!budget_->try_reserve(bytes)) throw error(errc::storage_full, {.limit = budget_->capacity()});

    const std::int64_t now = clock_();
    std::vector<record_result> results;
    results.reserve(records.size());
    for (std::size_t i = 0; i < records.size(); ++i) {
        partition* target = s->at(targets[i]);
        record_log::released expired;  // freed after the lock is released
        std::lock_guard partition_lock(target->mutex);
        expired = target->settle(now, s->retention_ms());
        const std::int64_t sequence = target->next();
        const std::int64_t timestamp = records[i].timestamp != 0 ? records[i].timestamp : now;
        target->records.append(timestamp, now, records[i].partition_key, records[i].data);
        target->charge.adopt(budget_, records[i].data.size() +
                                          (records[i].partition_key ? records[i].partition_key->size() : 0));
        if (count_traffic) {
            auto& point = target->traffic.at(now);
            ++point.put_records;
            point.put_bytes += base64_payload_size(records[i].data);
        }
        results.push_back(record_result{targets[i], sequence});
    }
    if (count_traffic) s->count_request(true, now, micros_since(started));
    return results;
}

std::vector<dis_record> dis_store::records(const std::string& project_id, const std::string& stream_name,
                                           std::int32_t index) const {
    const auto p = find_project(project_id);
    if (!p) throw error(errc::stream_not_found, {.name = stream_name, .project_id = project_id});
    std::shared_lock lock(p->mutex);
    return with_readable(*p->require_stream(project_id, stream_name), index, clock_(),
                         [](const partition& target) {
                             std::vector<dis_record> out;
                             out.reserve(static_cast<std::size_t>(target.records.size()));
                             target.records.scan(target.earliest(), [&](const log_entry& entry) {
                                 out.push_back(to_record(entry));
                                 return true;
                             });
                             return out;
                         });
}

cursor_start dis_store::start_cursor(const std::string& project_id, const std::string& stream_name,
                                     std::int32_t index, cursor_type type, std::int64_t value) const {
    const auto p = find_project(project_id);
    if (!p) throw error(errc::stream_not_found, {.name = stream_name, .project_id = project_id});
    std::shared_lock lock(p->mutex);
    const auto& s = *p->require_stream(project_id, stream_name);
    const std::int64_t position =
        with_readable(s, index, clock_(), [&](const partition& target) -> std::int64_t {
            switch (type) {
                case cursor_type::at_sequence_number:
                    check_in_range(value, target);
                    return value;
                // At the head (value == next) this points one past it: the record numbered `value` is
                // skipped.
                case cursor_type::after_sequence_number:
                    check_in_range(value, target);
                    return value + 1;
                case cursor_type::trim_horizon:
                    return target.earliest();
                case cursor_type::latest:
                    return target.next();
                case cursor_type::at_timestamp:
                    return target.records.first_at_time(value);
            }
            return target.next();
        });
    return cursor_start{s.spec.stream_id, position};
}

read_result dis_store::read_records(const std::string& project_id, const read_request& request) const {
    const auto started = std::chrono::steady_clock::now();
    const auto p = find_project(project_id);
    if (!p) throw error(errc::stream_not_found, {.name = request.stream_name, .project_id = project_id});
    std::shared_lock lock(p->mutex);
    const auto& s = *p->require_stream(project_id, request.stream_name);
    if (!request.stream_id.empty() && request.stream_id != s.spec.stream_id) {
        throw error(errc::dis_cursor_invalid, {.reason = "the stream was deleted and created again"});
    }
    const std::int64_t now = clock_();
    auto result = with_readable(s, request.partition, now, [&](const partition& target) {
        if (request.position < target.earliest()) {
            throw error(errc::dis_position_expired,
                        {.requested = request.position, .low = target.earliest()});
        }
        read_result out;
        out.next_position = request.position;
        std::int64_t used = 0;
        target.records.scan(request.position, [&](const log_entry& entry) {
            if (out.records.size() >= request.limit) return false;
            const std::int64_t size = base64_payload_size(entry.value);
            if (request.max_bytes && used + size > *request.max_bytes) return false;
            used += size;
            out.records.push_back(to_record(entry));
            out.next_position = entry.number + 1;
            return true;
        });
        auto& point = target.traffic.at(now);
        point.get_records += static_cast<std::int64_t>(out.records.size());
        point.get_bytes += used;
        return out;
    });
    s.count_request(false, now, micros_since(started));
    return result;
}

std::vector<dis_traffic_point> dis_store::stream_traffic(const std::string& project_id,
                                                         const std::string& stream_name, std::int64_t from_ms,
                                                         std::int64_t to_ms) const {
    const auto p = find_project(project_id);
    if (!p) throw error(errc::stream_not_found, {.name = stream_name, .project_id = project_id});
    std::shared_lock lock(p->mutex);
    const auto& s = *p->require_stream(project_id, stream_name);
    std::map<std::int64_t, dis_traffic_point> sums;
    for (const auto& part : s.partitions) {
        std::lock_guard partition_lock(part->mutex);
        part->traffic.add_to(sums, from_ms, to_ms);
    }
    {
        std::lock_guard requests_lock(s.requests_mutex);
        s.requests.add_to(sums, from_ms, to_ms);
    }
    return to_points(sums);
}

std::vector<dis_traffic_point> dis_store::partition_traffic(const std::string& project_id,
                                                            const std::string& stream_name,
                                                            std::int32_t index, std::int64_t from_ms,
                                                            std::int64_t to_ms) const {
    const auto p = find_project(project_id);
    if (!p) throw error(errc::stream_not_found, {.name = stream_name, .project_id = project_id});
    std::shared_lock lock(p->mutex);
    const partition* target = p->require_stream(project_id, stream_name)->at(index);
    if (target == nullptr) throw error(errc::partition_not_found, {.index = index});
    std::map<std::int64_t, dis_traffic_point> sums;
    std::lock_guard partition_lock(target->mutex);
    target->traffic.add_to(sums, from_ms, to_ms);
    return to_points(sums);
}

namespace {

// Caller holds the project's lock. The stream that has `stream_id`, or dis_resource_not_found.
template <class Streams>
auto& stream_by_id(Streams& streams, const std::string& stream_id) {
    for (auto& [name, s] : streams) {
        if (s->spec.stream_id == stream_id) return *s;
    }
    throw error(errc::dis_resource_not_found, {.name = stream_id});
}

// Caller holds the project's lock.
template <class Stream>
auto& task_named(Stream& s, const std::string& task_name) {
    const auto it = s.tasks.find(task_name);
    if (it == s.tasks.end()) throw error(errc::transfer_task_not_found, {.name = task_name});
    return it->second;
}

}  // namespace

std::vector<dis_tag> dis_store::stream_tags(const std::string& project_id,
                                            const std::string& stream_id) const {
    const auto p = find_project(project_id);
    if (!p) throw error(errc::dis_resource_not_found, {.name = stream_id});
    std::shared_lock lock(p->mutex);
    return stream_by_id(p->streams, stream_id).spec.tags;
}

void dis_store::add_stream_tags(const std::string& project_id, const std::string& stream_id,
                                const std::vector<dis_tag>& tags) {
    const auto p = find_project(project_id);
    if (!p) throw error(errc::dis_resource_not_found, {.name = stream_id});
    std::unique_lock lock(p->mutex);
    auto& s = stream_by_id(p->streams, stream_id);
    auto merged = s.spec.tags;
    for (const auto& tag : tags) {
        const auto it =
            std::find_if(merged.begin(), merged.end(), [&](const dis_tag& t) { return t.key == tag.key; });
        if (it != merged.end()) {
            it->value = tag.value;
        } else {
            merged.push_back(tag);
        }
    }
    if (merged.size() > static_cast<std::size_t>(limits_.stream_tags)) {
        throw error(errc::dis_tag_limit, {.limit = static_cast<std::uint64_t>(limits_.stream_tags)});
    }
    s.spec.tags = std::move(merged);
}

void dis_store::remove_stream_tags(const std::string& project_id, const std::string& stream_id,
                                   const std::vector<std::string>& keys, bool must_exist) {
    const auto p = find_project(project_id);
    if (!p) throw error(errc::dis_resource_not_found, {.name = stream_id});
    std::unique_lock lock(p->mutex);
    auto& s = stream_by_id(p->streams, stream_id);
    for (const auto& key : keys) {
        const bool has = std::any_of(s.spec.tags.begin(), s.spec.tags.end(),
                                     [&](const dis_tag& t) { return t.key == key; });
        if (!has && must_exist) throw error(errc::dis_tag_key_not_found, {.name = key});
    }
    std::erase_if(s.spec.tags,
                  [&](const dis_tag& t) { return std::find(keys.begin(), keys.end(), t.key) != keys.end(); });
}

std::vector<tagged_stream> dis_store::tagged_streams(const std::string& project_id) const {
    std::vector<tagged_stream> out;
    const auto p = find_project(project_id);
    if (!p) return out;
    std::shared_lock lock(p->mutex);
    for (const auto& [name, s] : p->streams) out.push_back({s->spec.stream_id, name, s->spec.tags});
    return out;
}

transfer_task dis_store::create_transfer_task(const std::string& project_id, const std::string& stream_name,
                                              transfer_task task) {
    const auto p = find_project(project_id);
    if (!p) throw error(errc::stream_not_found, {.name = stream_name, .project_id = project_id});
    if (task.task_id.empty()) task.task_id = new_alnum_id(stream_id_length);
    if (task.create_time == 0) task.create_time = clock_();
    std::unique_lock lock(p->mutex);
    auto& s = *p->require_stream(project_id, stream_name);
    if (s.tasks.contains(task.task_name)) throw error(errc::transfer_task_exists, {.name = task.task_name});
    if (s.tasks.size() >= static_cast<std::size_t>(limits_.transfer_tasks)) {
        throw error(errc::transfer_task_quota_exceeded,
                    {.limit = static_cast<std::uint64_t>(limits_.transfer_tasks)});
    }
    return s.tasks.emplace(task.task_name, task).first->second;
}

std::vector<transfer_task> dis_store::transfer_tasks(const std::string& project_id,
                                                     const std::string& stream_name) const {
    const auto p = find_project(project_id);
    if (!p) throw error(errc::stream_not_found, {.name = stream_name, .project_id = project_id});
    std::shared_lock lock(p->mutex);
    std::vector<transfer_task> out;
    for (const auto& [name, task] : p->require_stream(project_id, stream_name)->tasks) out.push_back(task);
    return out;
}

transfer_task dis_store::get_transfer_task(const std::string& project_id, const std::string& stream_name,
                                           const std::string& task_name) const {
    const auto p = find_project(project_id);
    if (!p) throw error(errc::stream_not_found, {.name = stream_name, .project_id = project_id});
    std::shared_lock lock(p->mutex);
    return task_named(*p->require_stream(project_id, stream_name), task_name);
}

void dis_store::delete_transfer_task(const std::string& project_id, const std::string& stream_name,
                                     const std::string& task_name) {
    const auto p = find_project(project_id);
    if (!p) throw error(errc::stream_not_found, {.name = stream_name, .project_id = project_id});
    std::unique_lock lock(p->mutex);
    auto& s = *p->require_stream(project_id, stream_name);
    task_named(s, task_name);
    s.tasks.erase(task_name);
}

transfer_task dis_store::update_transfer_task(const std::string& project_id, const std::string& stream_name,
                                              const transfer_task& task) {
    const auto p = find_project(project_id);
    if (!p) throw error(errc::stream_not_found, {.name = stream_name, .project_id = project_id});
    std::unique_lock lock(p->mutex);
    auto& stored = task_named(*p->require_stream(project_id, stream_name), task.task_name);
    stored.destination_type = task.destination_type;
    stored.descriptor = task.descriptor;
    return stored;
}

void dis_store::set_transfer_task_state(const std::string& project_id, const std::string& stream_name,
                                        const std::vector<std::string>& ids, const std::string& state) {
    const auto p = find_project(project_id);
    if (!p) throw error(errc::stream_not_found, {.name = stream_name, .project_id = project_id});
    std::unique_lock lock(p->mutex);
    auto& s = *p->require_stream(project_id, stream_name);
    std::vector<transfer_task*> chosen;
    for (const auto& id : ids) {
        const auto it = std::find_if(s.tasks.begin(), s.tasks.end(), [&](const auto& entry) {
            return entry.second.task_id == id || entry.first == id;
        });
        if (it == s.tasks.end()) throw error(errc::transfer_task_not_found, {.name = id});
        chosen.push_back(&it->second);
    }
    for (auto* task : chosen) task->state = state;
}

app_info dis_store::create_app(const std::string& project_id, app_spec spec) {
    const auto p = project_for(project_id);
    if (spec.app_id.empty()) spec.app_id = new_alnum_id(app_id_length);
    if (!spec.create_time) spec.create_time = clock_();
    std::unique_lock lock(p->mutex);
    if (p->apps.contains(spec.app_name)) throw error(errc::app_exists, {.name = spec.app_name});
    p->groups.emplace(spec.app_name, std::make_unique<group_slot>());
    const auto& stored = p->apps.emplace(spec.app_name, std::move(spec)).first->second;
    return p->app(stored);
}

app_info dis_store::get_app(const std::string& project_id, const std::string& app_name) const {
    const auto p = find_project(project_id);
    if (!p) throw error(errc::app_not_found, {.name = app_name});
    std::shared_lock lock(p->mutex);
    return p->app(p->require_app(app_name));
}

app_page dis_store::list_apps(const std::string& project_id, const std::string& start_after,
                              std::size_t limit, const std::optional<std::string>& stream_name) const {
    app_page page;
    const auto p = find_project(project_id);
    if (!p) return page;
    std::shared_lock lock(p->mutex);
    for (auto it = first_after(p->apps, start_after); it != p->apps.end(); ++it) {
        auto info = p->app(it->second);
        const auto& names = info.commit_checkpoint_stream_names;
        if (stream_name && std::find(names.begin(), names.end(), *stream_name) == names.end()) continue;
        if (page.apps.size() == limit) {
            page.has_more = true;
        } else {
            page.apps.push_back(std::move(info));
        }
    }
    // total counts every app matching the filter, including those before start_after.
    for (const auto& [name, spec] : p->apps) {
        if (!stream_name) {
            ++page.total;
            continue;
        }
        const auto names = p->app(spec).commit_checkpoint_stream_names;
        if (std::find(names.begin(), names.end(), *stream_name) != names.end()) ++page.total;
    }
    return page;
}

void dis_store::delete_app(const std::string& project_id, const std::string& app_name) {
    const auto p = find_project(project_id);
    if (!p) throw error(errc::app_not_found, {.name = app_name});
    std::unique_lock lock(p->mutex);
    p->require_app(app_name);
    p->apps.erase(app_name);
    p->groups.erase(app_name);
    std::erase_if(p->checkpoints, [&](const auto& entry) { return entry.first.app_name == app_name; });
}

std::vector<partition_consumer_state> dis_store::consumer_state(const std::string& project_id,
                                                                const std::string& app_name,
                                                                const std::string& stream_name,
                                                                const std::string& checkpoint_type) const {
    const auto p = find_project(project_id);
    if (!p) throw error(errc::stream_not_found, {.name = stream_name, .project_id = project_id});
    std::shared_lock lock(p->mutex);
    const auto& s = *p->require_stream(project_id, stream_name);
    p->require_app(app_name);
    const auto info = s.info(clock_());
    std::vector<partition_consumer_state> out;
    out.reserve(info.partitions.size());
    for (const auto& part : info.partitions) {
        const auto it =
            p->checkpoints.find(checkpoint_key{app_name, stream_name, part.index, checkpoint_type});
        out.push_back({part, it == p->checkpoints.end() ? std::nullopt : std::optional(it->second)});
    }
    return out;
}

void dis_store::commit_checkpoint(const std::string& project_id, const checkpoint_key& key,
                                  std::int64_t sequence_number, std::string metadata,
                                  const std::optional<group_member_claim>& member) {
    const auto p = find_project(project_id);
    if (!p) throw error(errc::stream_not_found, {.name = key.stream_name, .project_id = project_id});
    const std::int64_t now = clock_();
    std::unique_lock lock(p->mutex);
    const auto& s = p->require_stream(project_id, key.stream_name);
    p->require_app(key.app_name);
    if (member) {
        const auto refusal = p->with_group(key.app_name, now, [&](consumer_group& g, const auto& partitions) {
            return g.commit_refusal(member->client_id, member->generation, now, partitions);
        });
        if (refusal && *refusal) throw **refusal;
    }
    with_readable(*s, key.partition, clock_(),
                  [&](const partition& target) { check_in_range(sequence_number, target); });
    p->checkpoints[key] = checkpoint_value{sequence_number, std::move(metadata)};
}

std::optional<checkpoint_value> dis_store::get_checkpoint(const std::string& project_id,
                                                          const checkpoint_key& key) const {
    const auto p = find_project(project_id);
    if (!p) throw error(errc::stream_not_found, {.name = key.stream_name, .project_id = project_id});
    std::shared_lock lock(p->mutex);
    const auto& s = p->require_stream(project_id, key.stream_name);
    p->require_app(key.app_name);
    with_readable(*s, key.partition, clock_(), [](const partition&) {});
    const auto it = p->checkpoints.find(key);
    if (it == p->checkpoints.end()) return std::nullopt;
    return it->second;
}

void dis_store::delete_checkpoints(const std::string& project_id, const std::string& app_name,
                                   const std::string& stream_name,
                                   std::optional<std::int32_t> partition_index,
                                   const std::string& checkpoint_type) {
    const auto p = find_project(project_id);
    if (!p) throw error(errc::stream_not_found, {.name = stream_name, .project_id = project_id});
    std::unique_lock lock(p->mutex);
    const auto& s = p->require_stream(project_id, stream_name);
    p->require_app(app_name);
    if (partition_index) {
        with_readable(*s, *partition_index, clock_(), [](const partition&) {});
        p->checkpoints.erase(checkpoint_key{app_name, stream_name, *partition_index, checkpoint_type});
        return;
    }
    std::erase_if(p->checkpoints, [&](const auto& entry) {
        const auto& key = entry.first;
        return key.app_name == app_name && key.stream_name == stream_name &&
               key.checkpoint_type == checkpoint_type;
    });
}

namespace {

// Caller holds the project's lock. The streams a join names, or nullopt when it is ERR_SUBSCRIPTION.
template <class Streams>
std::optional<std::vector<subscribed_stream>> resolve_subscription(const Streams& streams,
                                                                   const group_join_request& request) {
    std::vector<subscribed_stream> out;
    std::set<std::string> by_name;  // streams named by name
    if (request.stream_pattern) {
        std::vector<std::string> names;
        for (const auto& [name, s] : streams) names.push_back(name);
        const auto matched = match_stream_pattern(*request.stream_pattern, names);
        if (!matched) return std::nullopt;
        by_name.insert(matched->begin(), matched->end());
    } else if (request.stream_names.empty() && request.stream_ids.empty()) {
        return std::nullopt;
    }
    for (const auto& name : request.stream_names) {
        if (!streams.contains(name)) return std::nullopt;
        by_name.insert(name);
    }
    for (const auto& name : by_name) out.push_back({name, name});
    std::set<std::string> by_id;
    for (const auto& id : request.stream_ids) {
        const auto it = std::find_if(streams.begin(), streams.end(),
                                     [&](const auto& entry) { return entry.second->spec.stream_id == id; });
        if (it == streams.end() || by_name.contains(it->first)) return std::nullopt;
        if (by_id.insert(id).second) out.push_back({it->first, id});
    }
    return out;
}

}  // namespace

join_result dis_store::join_group(const std::string& project_id, const std::string& app_name,
                                  const group_join_request& request) {
    const auto p = find_project(project_id);
    if (!p) return {join_state::group_not_exist, {}, 0};
    const std::int64_t now = clock_();
    std::shared_lock lock(p->mutex);
    const auto subscription = resolve_subscription(p->streams, request);
    const auto joined = p->with_group(app_name, now, [&](consumer_group& g, const auto& partitions) {
        if (!subscription) return join_result{join_state::err_subscription, {}, 0};
        if (!g.has_member(request.client_id) &&
            g.size() >= static_cast<std::size_t>(std::max(limits_.group_members, 0))) {
            throw error(errc::consumer_quota_exceeded,
                        {.limit = static_cast<std::uint64_t>(limits_.group_members)});
        }
        return g.join({request.client_id, *subscription, request.rebalance_timeout_ms}, now, partitions);
    });
    return joined.value_or(join_result{join_state::group_not_exist, {}, 0});
}

heartbeat_state dis_store::group_heartbeat(const std::string& project_id, const std::string& app_name,
                                           const std::string& client_id, std::int64_t generation) {
    const auto p = find_project(project_id);
    if (!p) return heartbeat_state::group_not_exist;
    const std::int64_t now = clock_();
    std::shared_lock lock(p->mutex);
    return p
        ->with_group(app_name, now,
                     [&](consumer_group& g, const auto& partitions) {
                         return g.heartbeat(client_id, generation, now, partitions);
                     })
        .value_or(heartbeat_state::group_not_exist);
}

sync_result dis_store::sync_group(const std::string& project_id, const std::string& app_name,
                                  const std::string& client_id) {
    const auto p = find_project(project_id);
    if (!p) return {sync_state::group_not_exist, no_generation, {}};
    const std::int64_t now = clock_();
    std::shared_lock lock(p->mutex);
    return p
        ->with_group(
            app_name, now,
            [&](consumer_group& g, const auto& partitions) { return g.sync(client_id, now, partitions); })
        .value_or(sync_result{sync_state::group_not_exist, no_generation, {}});
}

void dis_store::leave_group(const std::string& project_id, const std::string& app_name,
                            const std::string& client_id) {
    const auto p = find_project(project_id);
    if (!p) return;
    const std::int64_t now = clock_();
    std::shared_lock lock(p->mutex);
    p->with_group(app_name, now, [&](consumer_group& g, const auto& partitions) {
        g.leave(client_id, now, partitions);
        return true;
    });
}

std::optional<group_view> dis_store::group(const std::string& project_id, const std::string& app_name) const {
    const auto p = find_project(project_id);
    if (!p) return std::nullopt;
    const std::int64_t now = clock_();
    std::shared_lock lock(p->mutex);
    return p->with_group(app_name, now,
                         [&](consumer_group& g, const auto& partitions) { return g.view(now, partitions); });
}

void dis_store::reset() {
    std::unique_lock lock(mutex_);
    projects_.clear();
}

// Control plane: snapshots, counts, per-project reset and restores.

namespace {

// Caller holds the project's lock. Copies every partition of `s` under its own lock, retention applied first.
stream_snapshot copy_stream(const dis_store::stream& s, std::int64_t now, bool with_records) {
    stream_snapshot out{s.spec, s.last_modified_time, s.changes, {}, {}};
    for (const auto& [name, task] : s.tasks) out.transfer_tasks.push_back(task);
    out.partitions.reserve(s.partitions.size());
    for (std::size_t i = 0; i < s.partitions.size(); ++i) {
        auto& p = *s.partitions[i];
        record_log::released expired;  // freed after the lock is released
        std::lock_guard lock(p.mutex);
        expired = p.settle(now, s.retention_ms());
        const bool cut = p.status != dis_partition_status::active;
        std::vector<dis_record> records;
        if (with_records) {
            records.reserve(static_cast<std::size_t>(p.records.size()));
            p.records.scan(p.earliest(), [&records](const log_entry& entry) {
                records.push_back(to_record(entry));
                return true;
            });
        }
        out.partitions.push_back(dis_partition_snapshot{static_cast<std::int32_t>(i), p.status, p.earliest(),
                                                        cut ? p.deleted_at : 0, cut ? p.hash_slices : 0,
                                                        std::move(records)});
    }
    return out;
}

}  // namespace

std::vector<dis_project_snapshot> dis_store::snapshot(const std::optional<std::string>& project_id,
                                                      bool with_records) const {
    std::vector<std::pair<std::string, std::shared_ptr<project>>> found;
    {
        std::shared_lock lock(mutex_);
        for (const auto& [id, p] : projects_) {
            if (!project_id || id == *project_id) found.emplace_back(id, p);
        }
    }
    const std::int64_t now = clock_();
    std::vector<dis_project_snapshot> out;
    for (const auto& [id, p] : found) {
        std::shared_lock lock(p->mutex);
        if (p->streams.empty() && p->apps.empty()) continue;
        auto& copy = out.emplace_back(dis_project_snapshot{id, {}, {}, {}});
        for (const auto& [name, s] : p->streams) copy.streams.push_back(copy_stream(*s, now, with_records));
        for (const auto& [name, app] : p->apps) copy.apps.push_back(app);
        for (const auto& [key, value] : p->checkpoints)
            copy.checkpoints.push_back(checkpoint_entry{key, value});
    }
    return out;
}

dis_counts dis_store::counts() const {
    std::vector<std::shared_ptr<project>> found;
    {
        std::shared_lock lock(mutex_);
        for (const auto& [id, p] : projects_) found.push_back(p);
    }
    const std::int64_t now = clock_();
    dis_counts out;
    for (const auto& p : found) {
        std::shared_lock lock(p->mutex);
        out.streams += static_cast<std::int64_t>(p->streams.size());
        out.apps += static_cast<std::int64_t>(p->apps.size());
        out.checkpoints += static_cast<std::int64_t>(p->checkpoints.size());
        for (const auto& [name, s] : p->streams) {
            for (const auto& part : s->partitions) {
                record_log::released expired;  // freed after the lock is released
                std::lock_guard partition_lock(part->mutex);
                expired = part->settle(now, s->retention_ms());
                out.records += part->records.size();
            }
        }
    }
    return out;
}

std::vector<std::string> dis_store::project_ids() const {
    std::vector<std::pair<std::string, std::shared_ptr<project>>> found;
    {
        std::shared_lock lock(mutex_);
        for (const auto& [id, p] : projects_) found.emplace_back(id, p);
    }
    std::vector<std::string> out;
    for (const auto& [id, p] : found) {
        std::shared_lock lock(p->mutex);
        if (!p->streams.empty() || !p->apps.empty()) out.push_back(id);
    }
    return out;
}

void dis_store::reset_project(const std::string& project_id) {
    std::unique_lock lock(mutex_);
    projects_.erase(project_id);
}

std::vector<log_extent> dis_store::log_extents(const std::optional<std::string>& project_id,
                                               const log_filter* changed) const {
    std::vector<std::pair<std::string, std::shared_ptr<project>>> found;
    {
        std::shared_lock lock(mutex_);
        for (const auto& [id, p] : projects_) {
            if (!project_id || id == *project_id) found.emplace_back(id, p);
        }
    }
    std::vector<log_extent> out;
    for (const auto& [id, p] : found) {
        std::shared_lock lock(p->mutex);
        for (const auto& named : p->streams) {
            const std::shared_ptr<stream> s = named.second;  // a variable the closures below can capture
            for (std::size_t i = 0; i < s->partitions.size(); ++i) {
                // Partitions are never removed from a stream (a scale-down marks them), so the stream held
                // keeps this one alive.
                partition* part = s->partitions[i].get();
                const std::uint64_t incarnation = s->serial | (std::uint64_t{1} << 63);
                const auto index = static_cast<std::int32_t>(i);
                std::int64_t first = 0;
                std::int64_t end_offset = 0;
                {
                    std::lock_guard part_lock(part->mutex);
                    first = part->earliest();
                    end_offset = part->next();
                }
                if (changed != nullptr && !(*changed)(incarnation, index, first, end_offset)) continue;
                log_extent& e = out.emplace_back();
                e.name = {"dis", id, s->spec.stream_id, std::to_string(i)};
                e.incarnation = incarnation;
                e.partition = index;
                e.start = first;
                e.end = end_offset;
                e.read = [s, part](std::int64_t from, const std::function<void(const stored_entry&)>& sink) {
                    std::lock_guard part_lock(part->mutex);
                    std::string entry;
                    part->records.scan(from, [&](const log_entry& r) {
                        entry.clear();
                        put_i64(entry, r.timestamp);
                        put_i64(entry, r.appended_ms);
                        put_i64(entry, r.key ? static_cast<std::int64_t>(r.key->size()) : -1);
                        if (r.key) entry.append(*r.key);
                        entry.append(r.value);
                        sink(stored_entry{r.number, r.number, entry, {}});
                        return true;
                    });
                    return log_extent::bounds{part->earliest(), part->next()};
                };
                e.restore = [s, part, budget = budget_](std::int64_t start,
                                                        const std::vector<stored_entry>& entries) {
                    constexpr std::size_t header = 3 * sizeof(std::int64_t);
                    std::uint64_t bytes = 0;
                    for (std::size_t k = 0; k < entries.size(); ++k) {
                        const auto& entry = entries[k];
                        if (entry.bytes.size() < header || entry.first != entry.last)
                            throw std::invalid_argument("an entry that is not one record");
                        const std::int64_t key = get_i64(entry.bytes, 16);
                        if (key < -1 || key > static_cast<std::int64_t>(entry.bytes.size() - header))
                            throw std::invalid_argument("a record whose key runs past its end");
                        if (k > 0 && entry.first != entries[k - 1].last + 1)
                            throw std::invalid_argument("entries that are not contiguous");
                        bytes += entry.bytes.size() - header;
                    }
                    std::lock_guard part_lock(part->mutex);
                    if (!budget->try_reserve(bytes)) throw std::length_error("the storage cap is reached");
                    const bool none = entries.empty() || entries.back().last < start;
                    auto previous = part->records.clear(none ? start : entries.front().first);
                    part->charge.release_all();
                    part->charge.adopt(budget, bytes);
                    if (none) return;
                    for (const auto& entry : entries) {
                        const std::int64_t key = get_i64(entry.bytes, 16);
                        const std::string_view rest = entry.bytes.substr(header);
                        std::optional<std::string_view> partition_key;
                        if (key >= 0) partition_key = rest.substr(0, static_cast<std::size_t>(key));
                        part->records.append(
                            get_i64(entry.bytes, 0), get_i64(entry.bytes, 8), partition_key,
                            rest.substr(static_cast<std::size_t>(std::max<std::int64_t>(key, 0))));
                    }
                    auto dropped = part->records.trim(start);
                    part->charge.shrink_to(static_cast<std::uint64_t>(part->records.stored_bytes()));
                };
            }
        }
    }
    return out;
}

stream_info dis_store::restore_stream(const std::string& project_id, stream_snapshot snapshot) {
    const auto p = project_for(project_id);
    const std::int64_t now = clock_();
    auto& spec = snapshot.spec;
    if (spec.stream_id.empty()) spec.stream_id = new_alnum_id(stream_id_length);
    if (!spec.create_time) spec.create_time = now;
    auto created =
        std::make_shared<stream>(spec, snapshot.last_modified_time != 0 ? snapshot.last_modified_time : now);
    created->changes = std::move(snapshot.changes);
    if (snapshot.transfer_tasks.size() > static_cast<std::size_t>(limits_.transfer_tasks)) {
        throw error(errc::transfer_task_quota_exceeded,
                    {.limit = static_cast<std::uint64_t>(limits_.transfer_tasks)});
    }
    for (auto& task : snapshot.transfer_tasks) {
        if (task.task_id.empty()) task.task_id = new_alnum_id(stream_id_length);
        if (task.create_time == 0) task.create_time = now;
        const auto name = task.task_name;
        if (!created->tasks.emplace(name, std::move(task)).second)
            throw error(errc::transfer_task_exists, {.name = name});
    }
    if (spec.tags.size() > static_cast<std::size_t>(limits_.stream_tags)) {
        throw error(errc::dis_tag_limit, {.limit = static_cast<std::uint64_t>(limits_.stream_tags)});
    }
    std::uint64_t bytes = 0;
    for (const auto& part : snapshot.partitions) {
        for (const auto& record : part.records) {
            bytes += record.data.size() + (record.partition_key ? record.partition_key->size() : 0);
        }
    }
    if (!budget_->try_reserve(bytes)) throw error(errc::storage_full, {.limit = budget_->capacity()});
    storage_charge reserved;  // handed to the partitions below; returned if the stream is refused
    reserved.adopt(budget_, bytes);
    for (auto& part : snapshot.partitions) {
        while (static_cast<std::int32_t>(created->partitions.size()) <= part.index) {
            created->partitions.push_back(std::make_unique<partition>());
        }
        auto& target = *created->partitions[static_cast<std::size_t>(part.index)];
        target.status = part.status;
        target.deleted_at = part.deleted_at;
        if (part.hash_slices > 0) target.hash_slices = part.hash_slices;
        const auto emptied = target.records.clear(part.earliest);  // empty still: sets the first number
        for (const auto& record : part.records) {
            const std::uint64_t size =
                record.data.size() + (record.partition_key ? record.partition_key->size() : 0);
            target.records.append(record.timestamp != 0 ? record.timestamp : now,
                                  record.accepted_at != 0 ? record.accepted_at : now, record.partition_key,
                                  record.data);
            reserved.move_to(target.charge, size);
        }
    }
    std::unique_lock lock(p->mutex);
    if (p->streams.contains(spec.stream_name)) throw error(errc::stream_exists, {.name = spec.stream_name});
    if (p->used_partitions(spec.stream_type, {}) + spec.partition_count > quota(spec.stream_type)) {
        throw error(errc::stream_partition_quota_exceeded);
    }
    auto info = created->info(now);
    p->streams.emplace(spec.stream_name, std::move(created));
    return info;
}

void dis_store::restore_checkpoint(const std::string& project_id, const checkpoint_key& key,
                                   checkpoint_value value) {
    const auto p = find_project(project_id);
    if (!p) throw error(errc::stream_not_found, {.name = key.stream_name, .project_id = project_id});
    std::unique_lock lock(p->mutex);
    const auto& s = p->require_stream(project_id, key.stream_name);
    p->require_app(key.app_name);
    partition* target = s->at(key.partition);
    if (target == nullptr) throw error(errc::partition_not_found, {.index = key.partition});
    {
        record_log::released expired;  // freed after the lock is released
        std::lock_guard partition_lock(target->mutex);
        expired = target->settle(clock_(), s->retention_ms());
        if (value.sequence_number < 0 || value.sequence_number > target->next()) {
            throw error(errc::sequence_number_out_of_range,
                        {.requested = value.sequence_number, .low = 0, .high = target->next()});
        }
    }
    p->checkpoints[key] = std::move(value);
}

void dis_store::swap_contents(dis_store& other) {
    if (&other == this) return;
    std::scoped_lock lock(mutex_, other.mutex_);
    projects_.swap(other.projects_);
}

std::string dis_shard_id(std::int32_t index) {
    char buffer[32];
    std::snprintf(buffer, sizeof buffer, "shardId-%010d", index);
    return buffer;
}

}  // namespace emu::state
