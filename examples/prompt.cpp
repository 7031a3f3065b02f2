// The tutorial's prompt: sends each line of standard input to the chatroom's global
// queue Q_<room> as "USER: line", through a local exchange "E" bound to it.
//
//   prompt DIRECTORY ROOM USER            e.g. prompt localhost cheese kofi

#include "imchat.hpp"

#include <chrono>
#include <exception>
#include <iostream>
#include <string>

int main(int argc, char* argv[]) {
  if (argc != 4) {
    std::cerr << "usage: prompt DIRECTORY ROOM USER\n";
    return 2;
  }
  const std::string room = argv[2];
  const std::string user = argv[3];
  try {
    imchat::dispatcher dispatcher(2);
    imchat::directory::locator locator(argv[1]);
    auto io = imchat::io_thread::create(dispatcher);
    auto api = imchat::api_thread::create(dispatcher, &locator);

    //  The wiring: a local exchange bound to the room's global queue.
    auto eid = api->create_exchange("E");
    api->bind("E", "Q_" + room, io.get(), io.get());

    //  The business logic: each line, prefixed by the user's name.
    for (std::string line; std::getline(std::cin, line);)
      api->send(eid, imchat::message(user + ": " + line));

    //  Before exiting: wait until the room has acknowledged every line.
    if (!api->flush(std::chrono::seconds(5))) {
      std::cerr << "prompt: " << api->unacknowledged() << " lines not acknowledged by the room\n";
      return 1;
    }
    return 0;
  } catch (const std::exception& e) {
    std::cerr << "prompt: " << e.what() << "\n";
    return 1;
  }
}
