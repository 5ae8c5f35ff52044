// A library type picocache-gen cannot encode by itself (its member's type is a private nested
// class), standing in for types such as nlohmann::json.
#pragma once

namespace lib {

class Document {
 public:
  int size() const { return data_.size; }

 private:
  struct Data {
    int size = 0;
  };
  Data data_;
};

}  // namespace lib
