/* Whether a terminal type can carry the dashboard, asked of terminfo before curses starts
   (initscr on an unknown TERM prints its own message and exits; on TERM=dumb it would draw
   nonsense). Its own file: <term.h> defines a macro for every capability name. */
#if defined(__has_include)
#  if __has_include(<ncursesw/term.h>)
#    include <ncursesw/curses.h>
#    include <ncursesw/term.h>
#  else
#    include <curses.h>
#    include <term.h>
#  endif
#else
#  include <ncursesw/curses.h>
#  include <ncursesw/term.h>
#endif
#include <stddef.h>
#include <unistd.h>
#include "cncurses.h"

int psa_term_check(const char *term) {
    int err = 0;
    /* err: 1 a hard-copy terminal, 0 an unknown type, -1 no terminfo database. */
    if (setupterm(term, STDOUT_FILENO, &err) != OK) return err == 1 ? PSA_TERM_NO_ADDRESSING : PSA_TERM_UNKNOWN;
    const char *cup = tigetstr("cup");
    int hardcopy = tigetflag("hc") > 0;
    int ok = cup != NULL && cup != (char *)-1 && !hardcopy;
    del_curterm(cur_term);
    return ok ? PSA_TERM_OK : PSA_TERM_NO_ADDRESSING;
}
