#define _XOPEN_SOURCE_EXTENDED 1
#define NCURSES_WIDECHAR 1
/* Linux puts the wide-character ncurses under ncursesw/; macOS's system ncurses has the wide
   functions in <ncurses.h> itself (Package.swift links ncursesw or ncurses to match). */
#if defined(__has_include)
#  if __has_include(<ncursesw/ncurses.h>)
#    include <ncursesw/ncurses.h>
#  else
#    include <ncurses.h>
#  endif
#else
#  include <ncursesw/ncurses.h>
#endif
#include <locale.h>
#include <signal.h>
#include <string.h>
#include <termios.h>
#include <unistd.h>
#include "cncurses.h"

static struct termios saved_termios;
static volatile sig_atomic_t have_termios = 0;
static volatile sig_atomic_t running = 0;

int psa_start(int want_color, const char *term) {
    if (tcgetattr(STDIN_FILENO, &saved_termios) == 0) have_termios = 1;
    setlocale(LC_ALL, "");
    /* newterm with another entry (a direct-colour one); initscr with $TERM, as before. */
    if (term != NULL) {
        if (newterm(term, stdout, stdin) == NULL) return -1;
    } else if (initscr() == NULL) {
        return -1;
    }
    running = 1;
    cbreak();
    noecho();
    nonl();
    keypad(stdscr, TRUE);
    intrflush(stdscr, FALSE);
    curs_set(0);
    set_escdelay(25);
    leaveok(stdscr, TRUE);
    if (want_color && has_colors()) {
        start_color();
        use_default_colors();
    }
    return 0;
}

void psa_stop(void) {
    if (!running) return;
    running = 0;
    curs_set(1);
    endwin();
}

void psa_suspend(void) {
    if (!running) return;
    def_prog_mode();
    curs_set(1);
    endwin();
    /* The editor gets the terminal as the shell left it. */
    if (have_termios) tcsetattr(STDIN_FILENO, TCSANOW, &saved_termios);
}

void psa_resume(void) {
    if (!running) return;
    reset_prog_mode();
    curs_set(0);
    clearok(curscr, TRUE);
    refresh();
}

int psa_rows(void) { return getmaxy(stdscr); }
int psa_cols(void) { return getmaxx(stdscr); }
int psa_colors(void) { return has_colors() ? COLORS : 0; }
int psa_color_pairs(void) { return has_colors() ? COLOR_PAIRS : 0; }

int psa_init_pair(int pair, int fg, int bg) {
#if NCURSES_EXT_COLORS
    return init_extended_pair(pair, fg, bg);
#else
    return init_pair((short)pair, (short)fg, (short)bg);
#endif
}

void psa_mouse(int on) {
    mmask_t mask = on ? (BUTTON1_PRESSED | BUTTON1_CLICKED | BUTTON1_DOUBLE_CLICKED | BUTTON4_PRESSED
#ifdef BUTTON5_PRESSED
                         | BUTTON5_PRESSED
#endif
                         ) : 0;
    mousemask(mask, NULL);
    mouseinterval(on ? 300 : 0);
}

int psa_mouse_event(int *x, int *y) {
    MEVENT e;
    if (getmouse(&e) != OK) return 0;
    *x = e.x;
    *y = e.y;
    if (e.bstate & BUTTON1_DOUBLE_CLICKED) return 2;
    /* A press and its release within the interval come as one click. */
    if (e.bstate & (BUTTON1_PRESSED | BUTTON1_CLICKED)) return 1;
    if (e.bstate & BUTTON4_PRESSED) return 3;
#ifdef BUTTON5_PRESSED
    if (e.bstate & BUTTON5_PRESSED) return 4;
#endif
    return 0;
}

int psa_read_key(int timeout_ms) {
    wint_t ch = 0;
    timeout(timeout_ms);
    int r = get_wch(&ch);
    if (r == ERR) return PSA_KEY_NONE;
    if (r == KEY_CODE_YES) {
        switch (ch) {
        case KEY_UP: return PSA_KEY_UP;
        case KEY_DOWN: return PSA_KEY_DOWN;
        case KEY_LEFT: return PSA_KEY_LEFT;
        case KEY_RIGHT: return PSA_KEY_RIGHT;
        case KEY_PPAGE: return PSA_KEY_PGUP;
        case KEY_NPAGE: return PSA_KEY_PGDN;
        case KEY_HOME: return PSA_KEY_HOME;
        case KEY_END: return PSA_KEY_END;
        case KEY_ENTER: return PSA_KEY_ENTER;
        case KEY_BTAB: return PSA_KEY_BACKTAB;
        case KEY_BACKSPACE: return PSA_KEY_BACKSPACE;
        case KEY_RESIZE: return PSA_KEY_RESIZE;
        case KEY_DC: return PSA_KEY_DELETE;
        case KEY_MOUSE: return PSA_KEY_MOUSE;
        default: return PSA_KEY_OTHER;
        }
    }
    return (int)ch;
}

void psa_set_style(int pair, int attrs) {
    attr_t a = A_NORMAL;
    if (attrs & PSA_A_BOLD) a |= A_BOLD;
    if (attrs & PSA_A_UNDERLINE) a |= A_UNDERLINE;
    if (attrs & PSA_A_REVERSE) a |= A_REVERSE;
    if (attrs & PSA_A_DIM) a |= A_DIM;
    attr_set(a, 0, &pair); /* the opts pointer carries an extended pair number */
}

void psa_put(int y, int x, const char *utf8) { mvaddstr(y, x, utf8); }

void psa_flush(void) {
    wnoutrefresh(stdscr);
    doupdate();
}

static void crash_restore(int sig) {
    /* Only async-signal-safe calls here. */
    if (have_termios) tcsetattr(STDIN_FILENO, TCSANOW, &saved_termios);
    static const char reset[] = "\033[0m\033[?25h\033[?1049l\r\n";
    ssize_t ignored = write(STDOUT_FILENO, reset, sizeof reset - 1);
    (void)ignored;
    signal(sig, SIG_DFL);
    raise(sig);
}

void psa_install_crash_restore(void) {
    int sigs[] = {SIGSEGV, SIGBUS, SIGILL, SIGFPE, SIGTRAP, SIGABRT};
    for (unsigned i = 0; i < sizeof sigs / sizeof sigs[0]; i++) signal(sigs[i], crash_restore);
}
