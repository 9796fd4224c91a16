package main

import (
	"bufio"
	"context"
	"crypto/rand"
	"encoding/base64"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/user"
	"strings"
	"text/tabwriter"
	"time"

	"golang.org/x/term"

	"motcua/server/auth"
	"motcua/store"
)

func init() {
	register(&command{
		name:    "users",
		summary: "tài khoản cán bộ: users add TÊN --role admin|archivist|staff | list | disable TÊN | enable TÊN | passwd TÊN",
		run:     runUsers,
	})
}

const usersUsage = "cách dùng: motcua users add TÊN --role admin|archivist|staff | list | disable TÊN | enable TÊN | passwd TÊN [--data DIR]\n" +
	"Mật khẩu đọc từ bàn phím (không hiện), hoặc một dòng từ đầu vào chuẩn khi không chạy trên terminal."

var stdin io.Reader = os.Stdin

// cliUser names the person at the command line in the audit log.
func cliUser() string {
	if u, err := user.Current(); err == nil {
		return "cli:" + u.Username
	}
	return "cli"
}

// validName: an account name is short, lower-case ASCII.
func validName(s string) bool {
	if len(s) == 0 || len(s) > 64 {
		return false
	}
	for _, r := range s {
		if !(r >= 'a' && r <= 'z' || r >= '0' && r <= '9' || r == '.' || r == '_' || r == '-') {
			return false
		}
	}
	return true
}

func runUsers(args []string) error {
	fs := flag.NewFlagSet("users", flag.ContinueOnError)
	data := fs.String("data", defaultData, "thư mục dữ liệu")
	role := fs.String("role", "", "add: vai trò admin, archivist hoặc staff")
	generate := fs.Bool("generate", false, "add, passwd: tạo một mật khẩu ngẫu nhiên và in ra một lần")
	pos, err := parseFlags(fs, args)
	if err != nil {
		return err
	}
	if len(pos) == 0 || (pos[0] != "list" && len(pos) != 2) {
		return usageError{usersUsage}
	}
	if err := mkdirAll(*data); err != nil {
		return err
	}
	db, _, err := openStore(*data)
	if err != nil {
		return err
	}
	defer db.Close()
	ctx := context.Background()
	logUser := func(detail string) error {
		return db.Log(ctx, store.Event{User: cliUser(), Action: store.ActUser, Detail: detail, Remote: "cli", OK: true})
	}
	switch pos[0] {
	case "list":
		users, err := db.Users(ctx)
		if err != nil {
			return err
		}
		tw := tabwriter.NewWriter(stdout, 2, 4, 2, ' ', 0)
		fmt.Fprintln(tw, "TÊN\tVAI TRÒ\tTRẠNG THÁI\tTẠO LÚC")
		for _, u := range users {
			state := "hoạt động"
			if u.Disabled {
				state = "đã khóa"
			} else if u.LockedUntil.After(time.Now()) {
				state = "tạm khóa đến " + u.LockedUntil.Local().Format("15:04")
			}
			fmt.Fprintf(tw, "%s\t%s (%s)\t%s\t%s\n", u.Name, u.Role, u.Role.Name(), state, u.CreatedAt.Local().Format("2006-01-02 15:04"))
		}
		tw.Flush()
		fmt.Fprintf(stdout, "%d tài khoản\n", len(users))
		return nil
	case "add":
		name := pos[1]
		if !validName(name) {
			return usageError{fmt.Sprintf("tên %q: chỉ dùng chữ thường không dấu, chữ số, dấu chấm, gạch dưới, gạch ngang (tối đa 64)", name)}
		}
		r, err := store.ParseRole(*role)
		if err != nil {
			return usageError{err.Error()}
		}
		if _, err := db.User(ctx, name); err == nil {
			return fmt.Errorf("đã có tài khoản %s", name)
		}
		hash, err := newPassword(name, *generate)
		if err != nil {
			return err
		}
		if err := db.AddUser(ctx, store.User{Name: name, Role: r, Password: hash}); err != nil {
			if errors.Is(err, store.ErrExists) {
				return fmt.Errorf("đã có tài khoản %s", name)
			}
			return err
		}
		fmt.Fprintf(stdout, "Đã tạo tài khoản %s, vai trò %s (%s).\n", name, r, r.Name())
		return logUser("add " + name + " " + string(r))
	case "disable", "enable":
		if err := db.SetDisabled(ctx, pos[1], pos[0] == "disable"); err != nil {
			if errors.Is(err, store.ErrNotFound) {
				return fmt.Errorf("không có tài khoản %s", pos[1])
			}
			return err
		}
		if pos[0] == "disable" {
			fmt.Fprintf(stdout, "Đã khóa tài khoản %s; các phiên đăng nhập của nó đã kết thúc.\n", pos[1])
		} else {
			fmt.Fprintf(stdout, "Đã mở lại tài khoản %s.\n", pos[1])
		}
		return logUser(pos[0] + " " + pos[1])
	case "passwd":
		if _, err := db.User(ctx, pos[1]); err != nil {
			return fmt.Errorf("không có tài khoản %s", pos[1])
		}
		hash, err := newPassword(pos[1], *generate)
		if err != nil {
			return err
		}
		if err := db.SetPassword(ctx, pos[1], hash); err != nil {
			return err
		}
		fmt.Fprintf(stdout, "Đã đổi mật khẩu của %s; các phiên đăng nhập cũ đã kết thúc.\n", pos[1])
		return logUser("passwd " + pos[1])
	}
	return usageError{usersUsage}
}

// newPassword reads a password, or makes one up and prints it, and
// returns its hash.
func newPassword(name string, generate bool) (string, error) {
	if !generate {
		return readPassword(name)
	}
	b := make([]byte, 12)
	if _, err := rand.Read(b); err != nil {
		return "", err
	}
	pw := base64.RawURLEncoding.EncodeToString(b)
	fmt.Fprintf(stdout, "Mật khẩu của %s (chỉ hiện lần này, hãy ghi lại): %s\n", name, pw)
	return auth.Hash(pw)
}

// readPassword reads a new password, twice on a terminal, and hashes it.
func readPassword(name string) (string, error) {
	var pw string
	if f, ok := stdin.(*os.File); ok && term.IsTerminal(int(f.Fd())) {
		fmt.Fprintf(stderr, "Mật khẩu cho %s (ít nhất %d ký tự): ", name, auth.MinPasswordLen)
		a, err := term.ReadPassword(int(f.Fd()))
		fmt.Fprintln(stderr)
		if err != nil {
			return "", err
		}
		fmt.Fprint(stderr, "Nhập lại mật khẩu: ")
		b, err := term.ReadPassword(int(f.Fd()))
		fmt.Fprintln(stderr)
		if err != nil {
			return "", err
		}
		if string(a) != string(b) {
			return "", errors.New("hai lần nhập mật khẩu không khớp")
		}
		pw = string(a)
	} else {
		line, err := bufio.NewReader(stdin).ReadString('\n')
		if err != nil && line == "" {
			return "", errors.New("không đọc được mật khẩu từ đầu vào chuẩn: hãy gửi mật khẩu trên một dòng")
		}
		pw = strings.TrimRight(line, "\r\n")
	}
	if err := auth.CheckPassword(pw); err != nil {
		return "", err
	}
	return auth.Hash(pw)
}
