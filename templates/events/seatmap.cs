<?cs # The seat map (data: Map.* from app/shop/seatmap.c). Two views of the same seats:
       1. an SVG picture of the hall drawn from the venue's coordinates — role="img" with a
          summary, a short hover <title> per seat ("B-12", plus the status unless available;
          the full names are the picker's), and status shown by shape and pattern as well
          as colour (available: open circle, held: hatched square, sold: filled circle with a
          cross). The shapes are #sm-a, #sm-h and #sm-s: "sm-" and the status's first letter;
       2. the seat picker, a real form: one checkbox per seat, grouped in fieldsets by section
          and row, whose label is the seat's accessible name ("Section Stalls, row B, seat 12,
          €45.00"); held and sold seats are shown disabled. Each label wraps its checkbox
          (no id/for pair); <b> is the visible seat tile (aria-hidden, so the number is not
          read twice) and <i> the visually hidden name (static/style.css, .seat-row). The
          name is not split around the visible number: Chrome puts a space around a hidden
          piece, which would read "seat 12 , €45.00". Standing areas get a quantity.
       It works without JavaScript, by keyboard and by screen reader. Loops stay on one line
       and per-seat markup stays terse: a hall has up to a thousand seats, and every byte is
       sent for each of them. ?>
<?cs # seatmap(event_id, change): change is "" for a new hold (the event page), or the node of
       a hold being changed (checkout/seats.cs: Change.Action, .Token, .Back), whose form posts
       there with the CSRF and booking tokens; SelectedStanding.<sectionId> prefills quantities. ?>
<?cs def:seatmap(event_id, change) ?>
<figure class="seatmap">
<svg class="seatmap-svg" viewBox="<?cs var:Map.ViewBox ?>" width="<?cs var:Map.Width ?>" height="<?cs var:Map.Height ?>" role="img" aria-labelledby="seatmap-title" focusable="false">
<title id="seatmap-title">Seat map. <?cs if:Map.HasSeats ?><?cs var:Map.Counts.available ?> seats available, <?cs var:Map.Counts.held ?> held, <?cs var:Map.Counts.sold ?> sold. <?cs /if ?>Choose in the list below the map.</title>
<defs>
<pattern id="seatmap-hatch" width="4" height="4" patternUnits="userSpaceOnUse" patternTransform="rotate(45)"><rect width="4" height="4" fill="#fde7c8"/><rect width="1.6" height="4" fill="#a15c00"/></pattern>
<pattern id="seatmap-floor" width="10" height="10" patternUnits="userSpaceOnUse"><rect width="10" height="10" fill="#eef3fb"/><circle cx="5" cy="5" r="1.2" fill="#8aa4c8"/></pattern>
<g id="sm-a"><circle cx="8" cy="8" r="6.5" fill="#e3f4e5" stroke="#1b6e20" stroke-width="1.6"/></g>
<g id="sm-h"><rect x="1.5" y="1.5" width="13" height="13" rx="2.5" fill="url(#seatmap-hatch)" stroke="#a15c00" stroke-width="1.4"/></g>
<g id="sm-s"><circle cx="8" cy="8" r="7" fill="#4a4a5a"/><path d="M5 5l6 6M11 5l-6 6" stroke="#fff" stroke-width="1.8"/></g>
</defs>
<?cs if:?Map.Stage.W ?><g class="seatmap-stage"><rect x="<?cs var:Map.Stage.X ?>" y="<?cs var:Map.Stage.Y ?>" width="<?cs var:Map.Stage.W ?>" height="<?cs var:Map.Stage.H ?>" rx="6"/><text x="<?cs var:Map.Stage.TextX ?>" y="<?cs var:Map.Stage.TextY ?>" text-anchor="middle">Stage</text></g><?cs /if ?>
<?cs each:sec = Map.Sections ?><g class="seatmap-section">
<rect class="seatmap-box seatmap-box-<?cs var:sec.Kind ?>" x="<?cs var:sec.X ?>" y="<?cs var:sec.Y ?>" width="<?cs var:sec.W ?>" height="<?cs var:sec.H ?>" rx="6"<?cs if:sec.Kind == "standing" ?> fill="url(#seatmap-floor)"<?cs /if ?>/>
<text class="seatmap-label" x="<?cs var:sec.LabelX ?>" y="<?cs var:sec.LabelY ?>" text-anchor="middle"><?cs var:sec.Name ?></text>
<?cs if:sec.Kind == "standing" ?><text class="seatmap-count" x="<?cs var:sec.LabelX ?>" y="<?cs var:sec.CountY ?>" text-anchor="middle"><?cs if:sec.Available > 0 ?><?cs var:sec.Available ?> of <?cs var:sec.Capacity ?> left<?cs else ?>sold out<?cs /if ?></text>
<?cs /if ?><?cs each:row = sec.Rows ?><?cs each:seat = row.Seats ?><use href="#sm-<?cs var:string.slice(seat.Status, 0, 1) ?>" x="<?cs var:seat.X ?>" y="<?cs var:seat.Y ?>"><title><?cs var:row.Label ?>-<?cs var:seat.Number ?><?cs if:seat.Status != "available" ?> (<?cs var:seat.Status ?>)<?cs /if ?></title></use><?cs /each ?>
<?cs /each ?></g>
<?cs /each ?></svg>
<figcaption>
<ul class="seatmap-legend">
<li><svg viewBox="0 0 16 16" width="16" height="16" aria-hidden="true" focusable="false"><use href="#sm-a"/></svg> Available</li>
<li><svg viewBox="0 0 16 16" width="16" height="16" aria-hidden="true" focusable="false"><use href="#sm-h"/></svg> Held (someone is booking it)</li>
<li><svg viewBox="0 0 16 16" width="16" height="16" aria-hidden="true" focusable="false"><use href="#sm-s"/></svg> Sold</li>
<?cs if:Map.HasStanding ?><li><svg viewBox="0 0 16 16" width="16" height="16" aria-hidden="true" focusable="false"><rect width="16" height="16" rx="3" fill="url(#seatmap-floor)" stroke="#8aa4c8"/></svg> Standing area</li><?cs /if ?>
</ul>
</figcaption>
</figure>
<?cs # No CSRF token in this form: the page is one shared, cached copy for every shopper, so it
       cannot carry a per-browser token. POST /events/{id}/hold is protected by an Origin check
       instead (ROUTE_SAME_ORIGIN in app/cmd/routes.c) and re-checks every ticket it is sent. ?>
<?cs if:Hold.Error ?><p class="form-error" role="alert" id="hold-error"><?cs var:Hold.Error ?> Nothing is held for you yet: check your selection and try again.</p><?cs /if ?>
<?cs if:change.Action ?><form class="seat-form" method="post" action="<?cs var:change.Action ?>">
<input type="hidden" name="csrf_token" value="<?cs var:CSRF.Token ?>">
<input type="hidden" name="token" value="<?cs var:change.Token ?>">
<?cs else ?><form class="seat-form" method="post" action="/events/<?cs var:event_id ?>/hold">
<?cs /if ?><?cs each:sec = Map.Sections ?><?cs if:sec.Kind == "standing" ?>
<fieldset class="seat-standing">
<legend><?cs var:sec.Name ?><?cs if:sec.Name != "Standing" ?> (standing)<?cs /if ?> · <?cs var:sec.Price ?> · <?cs if:sec.Available > 0 ?><?cs var:sec.Available ?> of <?cs var:sec.Capacity ?> places left<?cs else ?>sold out<?cs /if ?></legend>
<?cs if:sec.Max > 0 ?><label for="standing-<?cs var:sec.Id ?>"><?cs var:sec.Name ?>: number of tickets, <?cs var:sec.Price ?> each (at most <?cs var:sec.Max ?>)</label>
<input type="number" id="standing-<?cs var:sec.Id ?>" name="standing_<?cs var:sec.Id ?>" min="0" max="<?cs var:sec.Max ?>" value="<?cs if:SelectedStanding[sec.Id] ?><?cs var:SelectedStanding[sec.Id] ?><?cs else ?>0<?cs /if ?>" inputmode="numeric">
<?cs else ?><p class="sold-out">Sold out.</p>
<?cs /if ?></fieldset>
<?cs else ?>
<fieldset class="seat-section">
<legend>Section <?cs var:sec.Name ?> · <?cs var:sec.Price ?> · <?cs if:sec.Available > 0 ?><?cs var:sec.Available ?> of <?cs var:sec.Capacity ?> seats available<?cs else ?>sold out<?cs /if ?></legend>
<?cs each:row = sec.Rows ?><fieldset class="seat-row"><legend>Row <?cs var:row.Label ?></legend><?cs each:seat = row.Seats ?><?cs if:seat.Status == "available" ?><label><input type="checkbox" name="ticketId" value="<?cs var:seat.Ticket ?>"<?cs if:Selected[seat.Ticket] ?> checked<?cs /if ?>><b aria-hidden="true"><?cs var:seat.Number ?></b><i><?cs var:seat.Name ?></i><?cs else ?><label class="<?cs var:seat.Status ?>"><input type="checkbox" value="<?cs var:seat.Ticket ?>" disabled><b aria-hidden="true"><?cs var:seat.Number ?></b><i><?cs var:seat.Name ?> (<?cs var:seat.Status ?>)</i><?cs /if ?></label><?cs /each ?></fieldset>
<?cs /each ?></fieldset>
<?cs /if ?><?cs /each ?>
<?cs if:change.Action ?><button type="submit">Change to these seats</button> <a href="<?cs var:change.Back ?>">Keep my seats as they are</a>
<?cs elif:Map.Selectable ?><button type="submit">Hold selected seats</button>
<?cs else ?><p class="sold-out">This event is sold out.</p>
<?cs /if ?></form>
<?cs /def ?>
