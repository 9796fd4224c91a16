package store

import (
	"fmt"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"time"

	"golang.org/x/text/unicode/norm"

	"motcua/internal/vi"
)

// FieldNames are the fields' Vietnamese names, for people.
var FieldNames = map[Field]string{
	DocType: "Loại văn bản", NumberSymbol: "Số, ký hiệu", IssueDate: "Ngày ban hành",
	IssuePlace: "Nơi ban hành", Issuer: "Cơ quan ban hành", Summary: "Trích yếu",
	SignerName: "Người ký", SignerTitle: "Chức vụ người ký", PersonIDs: "Số định danh cá nhân",
	DossierCodes: "Mã hồ sơ", ProcedureCodes: "Mã thủ tục", MoneyVND: "Số tiền (đồng)",
	OwnerID: "Số định danh của chủ giấy tờ", ValidUntil: "Có giá trị đến ngày",
}

// FieldStatus names a record's status in its changes (Change.Field).
const FieldStatus Field = "status"

// Name is the field's Vietnamese name, for people.
func (f Field) Name() string {
	if f == FieldStatus {
		return "Trạng thái"
	}
	if n, ok := FieldNames[f]; ok {
		return n
	}
	return string(f)
}

// ValueName is a value of field f as people read it: a status by its
// Vietnamese name, any other value as it is.
func (f Field) ValueName(v string) string {
	if f == FieldStatus {
		return Status(v).Name()
	}
	return v
}

// Doubtful reports whether a person should check field k: OCR read it
// with a confidence under Confident (a key field even when it found
// nothing), and no archivist has approved the record since.
func (r *Record) Doubtful(k Field) bool {
	c, ok := r.Confidence[k]
	if !ok || c >= Confident || r.Status == StatusVerified {
		return false
	}
	return r.Fields.Value(k) != "" || slices.Contains(KeyFields, k)
}

// Value returns field k as text; lists are joined with ", ".
func (f *Fields) Value(k Field) string {
	switch k {
	case DocType:
		return f.DocType
	case NumberSymbol:
		return f.NumberSymbol
	case IssueDate:
		return f.IssueDate
	case IssuePlace:
		return f.IssuePlace
	case Issuer:
		return f.Issuer
	case Summary:
		return f.Summary
	case SignerName:
		return f.SignerName
	case SignerTitle:
		return f.SignerTitle
	case PersonIDs:
		return strings.Join(f.PersonIDs, ", ")
	case DossierCodes:
		return strings.Join(f.DossierCodes, ", ")
	case ProcedureCodes:
		return strings.Join(f.ProcedureCodes, ", ")
	case MoneyVND:
		var s []string
		for _, m := range f.MoneyVND {
			s = append(s, strconv.FormatInt(m, 10))
		}
		return strings.Join(s, ", ")
	case OwnerID:
		return f.OwnerID
	case ValidUntil:
		return f.ValidUntil
	}
	return ""
}

var (
	listSplit  = regexp.MustCompile(`[,;\s]+`)
	moneyClean = strings.NewReplacer(".", "", " ", "", "đ", "", "₫", "")
)

// Set parses s, as a person types it, into field k. The error says, in
// Vietnamese, what is wrong with the value and what is expected.
func (f *Fields) Set(k Field, s string) error {
	s = strings.TrimSpace(norm.NFC.String(s))
	list := func() []string {
		var out []string
		for _, v := range listSplit.Split(s, -1) {
			if v != "" {
				out = append(out, v)
			}
		}
		return out
	}
	date := func() (string, error) {
		if s == "" {
			return "", nil
		}
		if !vi.ISODate.MatchString(s) {
			return "", fmt.Errorf("%s %q: hãy ghi ngày theo dạng NNNN-TT-NN, ví dụ 2023-09-12", FieldNames[k], s)
		}
		if _, err := time.Parse("2006-01-02", s); err != nil {
			return "", fmt.Errorf("%s %q không phải một ngày có thật", FieldNames[k], s)
		}
		return s, nil
	}
	var err error
	switch k {
	case DocType:
		f.DocType = s
	case NumberSymbol:
		f.NumberSymbol = s
	case IssueDate:
		f.IssueDate, err = date()
	case IssuePlace:
		f.IssuePlace = s
	case Issuer:
		f.Issuer = s
	case Summary:
		f.Summary = s
	case SignerName:
		f.SignerName = s
	case SignerTitle:
		f.SignerTitle = s
	case PersonIDs:
		ids := list()
		for _, id := range ids {
			if !vi.IsPersonID(id) {
				return fmt.Errorf("%s %q: mỗi số định danh gồm đúng 12 chữ số", FieldNames[k], id)
			}
		}
		f.PersonIDs = ids
	case DossierCodes:
		f.DossierCodes = list()
	case ProcedureCodes:
		f.ProcedureCodes = list()
	case MoneyVND:
		var out []int64
		for _, v := range strings.Split(s, ",") {
			v = moneyClean.Replace(strings.TrimSpace(v))
			if v == "" {
				continue
			}
			n, perr := strconv.ParseInt(v, 10, 64)
			if perr != nil || n < 0 {
				return fmt.Errorf("%s %q: hãy ghi số tiền bằng chữ số, các khoản cách nhau bởi dấu phẩy", FieldNames[k], v)
			}
			out = append(out, n)
		}
		f.MoneyVND = out
	case OwnerID:
		if s != "" && !vi.IsPersonID(s) {
			return fmt.Errorf("%s %q: số định danh gồm đúng 12 chữ số", FieldNames[k], s)
		}
		f.OwnerID = s
	case ValidUntil:
		f.ValidUntil, err = date()
	default:
		return fmt.Errorf("không có trường %q", k)
	}
	return err
}
