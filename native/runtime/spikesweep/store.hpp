// Named, typed arrays owned by one simulation. Everything the simulation holds is registered
// here, so the addon can list, read and write any of it (set values after compile, reset,
// checkpoints) without knowing the model. Arrays never move once registered.
#pragma once
#include <cstdint>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "spikesweep_abi.h"

namespace ss {

template <class T> struct DType;
template <> struct DType<double> { static constexpr int32_t id = SS_F64; };
template <> struct DType<float> { static constexpr int32_t id = SS_F32; };
template <> struct DType<int32_t> { static constexpr int32_t id = SS_I32; };
template <> struct DType<int64_t> { static constexpr int32_t id = SS_I64; };
template <> struct DType<uint16_t> { static constexpr int32_t id = SS_U16; };
template <> struct DType<uint8_t> { static constexpr int32_t id = SS_U8; };

class Store {
 public:
  template <class T> T *add(std::string name, int64_t length, int32_t flags, T fill = T()) {
    return adopt<T>(std::move(name), std::vector<T>(size_t(length), fill), flags);
  }

  template <class T> T *adopt(std::string name, std::vector<T> &&values, int32_t flags) {
    auto holder = std::make_unique<Holder<T>>(std::move(values));
    T *data = holder->values.data();
    entries_.push_back(Entry{std::move(name), DType<T>::id, flags, std::move(holder)});
    return data;
  }

  int64_t count() const { return int64_t(entries_.size()); }

  bool at(int64_t index, ss_array *out) {
    if (index < 0 || index >= count()) return false;
    Entry &e = entries_[size_t(index)];
    out->name = e.name.c_str();
    out->dtype = e.dtype;
    out->flags = e.flags;
    out->length = e.holder->length();
    out->data = e.holder->data();
    return true;
  }

  bool find(const char *name, ss_array *out) {
    for (int64_t i = 0; i < count(); ++i)
      if (entries_[size_t(i)].name == name) return at(i, out);
    return false;
  }

 private:
  struct AnyHolder {
    virtual ~AnyHolder() = default;
    virtual void *data() = 0;
    virtual int64_t length() const = 0;
  };
  template <class T> struct Holder : AnyHolder {
    explicit Holder(std::vector<T> &&v) : values(std::move(v)) {}
    void *data() override { return values.data(); }
    int64_t length() const override { return int64_t(values.size()); }
    std::vector<T> values;
  };
  struct Entry {
    std::string name;
    int32_t dtype;
    int32_t flags;
    std::unique_ptr<AnyHolder> holder;
  };
  std::vector<Entry> entries_;
};

}  // namespace ss
