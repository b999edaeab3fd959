/*
 * Human-readable output of sbcctl: a command's JSON result as aligned
 * "key: value" lines, nested objects indented, arrays of objects as tables
 * and scalars plainly.  --json bypasses this and prints the JSON itself.
 *
 *   ctl_render() of {"version":"1.0","pid":42,"calls":[{"id":"a","legs":2}]}
 *
 *   version: 1.0
 *   pid:     42
 *   calls:
 *     ID  LEGS
 *     a      2
 *
 * Rules: strings are printed without quotes, with control characters
 * escaped (\n, \t, \r, \xHH, \uHHHH) so a result can never drive the
 * terminal; null prints as "-" (nothing at top level); an empty array or
 * object prints as "(empty)"; an array of scalars inside an object is one
 * comma-separated line; table columns are the keys in order of first
 * appearance, headers upper-cased, numeric columns right-aligned, missing
 * cells "-"; other nested values print as compact JSON.  Widths count UTF-8
 * code points.
 */
#ifndef SBC_CTL_RENDER_H
#define SBC_CTL_RENDER_H

#include <jansson.h>
#include <stdio.h>

/**
 * ctl_render - print a result for a human
 * @out: stream to print to
 * @result: the result of a command
 *
 * Return: 0; -ENOMEM; -EIO when writing @out failed.
 */
int ctl_render(FILE *out, const json_t *result);

/**
 * ctl_render_help - print the result of ctl.help as a command list
 * @out: stream to print to
 * @cmds: array of {method, words, args, help}
 *
 * One line per command: words and args, padded, then the help text.
 *
 * Return: 0; -EINVAL when @cmds is not such an array; -ENOMEM; -EIO.
 */
int ctl_render_help(FILE *out, const json_t *cmds);

/**
 * ctl_render_escape - @s with control characters escaped, as ctl_render()
 *	prints strings
 *
 * Return: a malloc()ed string, or NULL with errno ENOMEM.
 */
char *ctl_render_escape(const char *s);

#endif
