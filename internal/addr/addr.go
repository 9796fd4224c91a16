// Package addr holds the public site's page addresses, which the site
// builds, the search links to and the server answers (the layouts and
// hugo.toml, which Go cannot import, spell them too), and the staff
// area's dossier addresses.
package addr

import (
	"path"
	"strconv"
	"strings"
)

// Page addresses, each a folder: the page is at Page + "index.html".
const (
	Procedures = "/thu-tuc/"
	Documents  = "/van-ban/"
	Search     = "/tim-kiem/"
	Stats      = "/thong-ke/"
)

// StatsCSV is the indicators of the statistics page as a CSV file.
const StatsCSV = Stats + "chi-so.csv"

// Procedure is the address of a procedure's page.
func Procedure(code string) string { return Procedures + code + "/" }

// Document is the address of a public digitized record's page.
func Document(id int64) string { return Documents + strconv.FormatInt(id, 10) + "/" }

// The staff area's dossier pages. A dossier's page is a folder under the
// list; a record's pages (/staff/ho-so/ID, no slash) sit beside them.
const (
	StaffDossiers   = "/staff/ho-so/"
	StaffDossierAPI = "/staff/api/ho-so/"
)

// StaffDossier is the address of a dossier's staff page.
func StaffDossier(code string) string { return StaffDossiers + code + "/" }

// File is the built file of a page address, relative to the built site.
func File(page string) string { return path.Join(strings.TrimPrefix(page, "/"), "index.html") }
