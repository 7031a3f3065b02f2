// The tutorial's chatroom: takes messages on the global queue Q_<room>, puts the time in
// front of each, and publishes them on the global exchange E_<room>.
//
//   chatroom DIRECTORY ROOM IN OUT        e.g. chatroom localhost cheese '*:5555' '*:5556'

#include "imchat.hpp"

#include <ctime>
#include <exception>
#include <iostream>
#include <string>

int main(int argc, char* argv[]) {
  if (argc != 5) {
    std::cerr << "usage: chatroom DIRECTORY ROOM IN-INTERFACE OUT-INTERFACE\n";
    return 2;
  }
  const std::string room = argv[2];
  try {
    //  One application thread and one I/O thread, and the directory.
    imchat::dispatcher dispatcher(2);
    imchat::directory::locator locator(argv[1]);
    auto io = imchat::io_thread::create(dispatcher);
    auto api = imchat::api_thread::create(dispatcher, &locator);

    //  The wiring: a global queue for the prompts, a global exchange for the displays.
    api->create_queue("Q_" + room, imchat::scope::global, argv[3], *io, {io.get()});
    auto eid = api->create_exchange("E_" + room, imchat::scope::global, argv[4], *io, {io.get()});

    //  The business logic: each message, with the time it was received in front of it.
    while (true) {
      imchat::message in = api->receive();
      std::time_t now = std::time(nullptr);
      std::string timestamp = std::ctime(&now);
      timestamp.back() = ' ';  // ctime ends with a newline
      api->send(eid, imchat::message(timestamp + std::string(in.text())));
    }
  } catch (const std::exception& e) {
    std::cerr << "chatroom: " << e.what() << "\n";
    return 1;
  }
}
