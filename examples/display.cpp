// The tutorial's display: prints every message the chatroom publishes on its global
// exchange E_<room>, received through a local queue "Q" bound to it.
//
//   display DIRECTORY ROOM                e.g. display localhost cheese

#include "directory/locator.hpp"
#include "kernel/api_thread.hpp"
#include "util/printable_text.hpp"

#include <exception>
#include <iostream>
#include <string>

int main(int argc, char* argv[]) {
  if (argc != 3) {
    std::cerr << "usage: display DIRECTORY ROOM\n";
    return 2;
  }
  const std::string room = argv[2];
  try {
    imchat::dispatcher dispatcher(2);
    imchat::directory::locator locator(argv[1]);
    auto io = imchat::io_thread::create(dispatcher);
    auto api = imchat::api_thread::create(dispatcher, &locator);

    //  A notice too when the connection to the room breaks (the kernel reconnects by
    //  itself, and resumes where it left off).
    api->mask(imchat::message_type::disconnected);

    //  The wiring: a local queue bound to the room's global exchange.
    api->create_queue("Q");
    api->bind("E_" + room, "Q", io.get(), io.get());

    //  The business logic: print each message, escaped, so that what others send can
    //  never drive the terminal.
    while (true) {
      imchat::message m = api->receive();
      if (m.type() == imchat::message_type::disconnected)
        std::cout << "Problems connecting to the chatroom..." << std::endl;
      else
        std::cout << imchat::printable_text(m.text()) << std::endl;
    }
  } catch (const std::exception& e) {
    std::cerr << "display: " << e.what() << "\n";
    return 1;
  }
}
