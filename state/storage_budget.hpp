#pragma once

#include <atomic>
#include <cstdint>
#include <memory>
#include <utility>

namespace emu::state {

// The cap on payload bytes held by both services together (--max-stored-bytes). Lock-free: a reservation
// either fits entirely or takes nothing, so concurrent writers can never push the total over the cap.
class storage_budget {
  public:
    static constexpr std::uint64_t unlimited = 0;

    explicit storage_budget(std::uint64_t capacity = unlimited) : capacity_(capacity) {}
    storage_budget(const storage_budget&) = delete;
    storage_budget& operator=(const storage_budget&) = delete;

    bool try_reserve(std::uint64_t bytes) {
        std::uint64_t current = used_.load(std::memory_order_relaxed);
        do {
            if (capacity_ != unlimited && (bytes > capacity_ || current > capacity_ - bytes)) return false;
        } while (!used_.compare_exchange_weak(current, current + bytes, std::memory_order_relaxed));
        return true;
    }
    void release(std::uint64_t bytes) { used_.fetch_sub(bytes, std::memory_order_relaxed); }

    std::uint64_t capacity() const { return capacity_; }
    std::uint64_t used() const { return used_.load(std::memory_order_relaxed); }

  private:
    const std::uint64_t capacity_;
    std::atomic<std::uint64_t> used_{0};
};

// The bytes one container (a partition log) holds against a budget. Whatever it still holds goes back when
// it is destroyed, so dropping a topic, stream, instance or the whole state needs no bookkeeping. Guarded
// by the container's own lock.
class storage_charge {
  public:
    storage_charge() = default;
    ~storage_charge() { release(bytes_); }
    storage_charge(const storage_charge&) = delete;
    storage_charge& operator=(const storage_charge&) = delete;

    // Takes over `bytes` already reserved from `budget` (every charge of a store uses the same budget).
    void adopt(const std::shared_ptr<storage_budget>& budget, std::uint64_t bytes) {
        if (!budget_) budget_ = budget;
        bytes_ += bytes;
    }
    void release(std::uint64_t bytes) {
        if (!budget_ || bytes == 0) return;
        budget_->release(bytes);
        bytes_ -= bytes;
    }
    void release_all() { release(bytes_); }
    // Hands `bytes` of this charge to `other`, which uses the same budget: the budget's total stays.
    void move_to(storage_charge& other, std::uint64_t bytes) {
        bytes_ -= bytes;
        other.adopt(budget_, bytes);
    }
    // Gives back what the container no longer holds, now that it holds `held` bytes.
    void shrink_to(std::uint64_t held) {
        if (held < bytes_) release(bytes_ - held);
    }
    std::uint64_t bytes() const { return bytes_; }

  private:
    std::shared_ptr<storage_budget> budget_;
    std::uint64_t bytes_ = 0;
};

}  // namespace emu::state
