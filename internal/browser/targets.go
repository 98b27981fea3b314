package browser

// emitPopup reports a page opened by another (window.open, a link with
// target=_blank) as the opener's "popup" event, once the new page is set
// up, as Puppeteer does.
func (b *Browser) emitPopup(openerID string, p *Page) {
	b.mu.Lock()
	opener := b.pages[openerID]
	b.mu.Unlock()
	if opener != nil && p.session.Err() == nil {
		opener.events.emit(Event{Name: "popup", Page: p})
	}
}
