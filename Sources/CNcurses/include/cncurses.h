#ifndef PSATOP_CNCURSES_H
#define PSATOP_CNCURSES_H

/* The only place psatop touches ncurses: small functions over its macros and globals. */

/* Keys, translated from ncurses' codes. Plain characters come back as their code point. */
enum {
    PSA_KEY_NONE = -1,
    PSA_KEY_UP = 0x110001, PSA_KEY_DOWN, PSA_KEY_LEFT, PSA_KEY_RIGHT,
    PSA_KEY_PGUP, PSA_KEY_PGDN, PSA_KEY_HOME, PSA_KEY_END,
    PSA_KEY_ENTER, PSA_KEY_BACKTAB, PSA_KEY_BACKSPACE, PSA_KEY_RESIZE, PSA_KEY_DELETE, PSA_KEY_OTHER, PSA_KEY_MOUSE
};

enum { PSA_A_BOLD = 1, PSA_A_UNDERLINE = 2, PSA_A_REVERSE = 4, PSA_A_DIM = 8 };

/* Whether the terminal type (NULL: $TERM) can carry a full screen: known to terminfo and able
   to move the cursor. Touches no terminal; call before psa_start. */
enum { PSA_TERM_OK = 0, PSA_TERM_UNKNOWN = 1, PSA_TERM_NO_ADDRESSING = 2 };
int psa_term_check(const char *term);

/* Saves the terminal's modes, sets the locale, starts curses. Returns 0 on success. */
/* Starts curses. term: a terminfo entry to use instead of $TERM (NULL: $TERM). */
int psa_start(int want_color, const char *term);
/* Restores the terminal. Safe to call twice. */
void psa_stop(void);
/* Leaves curses for a program that needs the terminal (an editor), and comes back. */
void psa_suspend(void);
void psa_resume(void);
int psa_rows(void);
int psa_cols(void);
/* Number of colours the terminal has (0 when colour is off). */
int psa_colors(void);
int psa_color_pairs(void);
int psa_init_pair(int pair, int fg, int bg);
/* Mouse reports on (1) or off (0): button 1 press and double click, the wheel. */
void psa_mouse(int on);
/* The report after PSA_KEY_MOUSE: 0 none, 1 press, 2 double click, 3 wheel up, 4 wheel down. */
int psa_mouse_event(int *x, int *y);
/* Waits up to timeout_ms for a key. */
int psa_read_key(int timeout_ms);
void psa_set_style(int pair, int attrs);
void psa_put(int y, int x, const char *utf8);
/* wnoutrefresh + one doupdate. */
void psa_flush(void);
/* On a crash signal, put the terminal back before the process dies. */
void psa_install_crash_restore(void);

#endif
