import Dashboard
import Foundation
import PSAClient
import PSACore

/// What the dashboard asks for, carried out: the poller's schedule is in Poller.swift, the
/// commands here (page and detail loads, changes, notes, attachments).
extension Poller {
    /// Waits until the page load in flight (if any) has ended: loaded, refused, or cancelled. A
    /// load that is retrying keeps it waiting (tests race this with a timeout to show it is not).
    @_spi(Testing) public func pageLoadEnded() async {
        await pageTask?.value
    }

    /// Carries out what the dashboard asked for.
    public func handle(_ command: Command) {
        let api = self.api, post = self.post, clock = self.clock
        guard !stopped else { return }
        switch command {
        case .setServerFilter(let filter):
            serverFilter = filter
            handle(.loadPage(nil))
        case .loadPage(let cursor):
            // One page load at a time. A failed load is retried by itself with a growing pause
            // (2 s, 4 s … 60 s), each failure shown, so the list comes back when the server does.
            // A filter refused before sending (a name the tenant does not have) is not retried.
            pageTask?.cancel()
            let filter = serverFilter
            pageTask = Task { [weak self] in
                var attempt = 0
                while !Task.isCancelled {
                    do {
                        let started = clock.wall()
                        var page: TicketPage
                        if let filter {
                            page = try await api.page(after: cursor, filter: filter)
                        } else {
                            page = try await api.page(after: cursor)
                        }
                        page.filter = filter
                        if cursor == nil {
                            await self?.startChanges(at: started)
                            post(.ticketWeb(await api.ticketWebTemplate()))
                        }
                        post(.page(page, reset: cursor == nil, at: clock.wall()))
                        return
                    } catch is CancellationError {
                        return
                    } catch let e as APIError where e.kind == .refused {
                        post(.pageFailed("server filter: \(e.detail) (F to change it)"))
                        return
                    } catch {
                        let pause = min(60, 2 * pow(2, Double(min(attempt, 5))))
                        attempt += 1
                        post(.pageFailed("\(error) — retrying in \(Int(pause)) s"))
                        do { try await clock.sleep(.seconds(double: pause)) } catch { return }
                    }
                }
            }
        case .refresh:
            nextReadAt = nil
            why = "refresh asked for"
            startLoops()
            handle(.loadPage(nil))
        case .loadDetail(let id):
            track {
                do { post(.detail(try await api.ticket(id: id))) } catch is CancellationError { return } catch {
                    post(.detailFailed(id: id, String(describing: error)))
                    return
                }
                // Then its comments (Atera) or notes (Autotask), where the vendor has them.
                guard let notes = api as? any NotesCapable else { return }
                do {
                    post(.comments(id: id, try await notes.ticketComments(id: id)))
                } catch is CancellationError {} catch { post(.commentsFailed(id: id, String(describing: error))) }
            }
        case .loadAttachments(let id):
            // Only on `w` (one request; Atera lists addresses only): an open costs no more than that.
            track {
                do {
                    // (A vendor without an attachment list: an empty one, so `w` says there is none.)
                    let list = try await (api as? any AttachmentsCapable)?.attachments(ticketID: id) ?? []
                    post(.attachments(id: id, list))
                } catch is CancellationError {} catch { post(.attachmentsFailed(id: id, String(describing: error))) }
            }
        case .loadChoices(let field, let ticket):
            track {
                do {
                    let assign = try api.assigning()
                    let labels =
                        if let ticket { try await assign.choices(for: field, ticketID: ticket) } else {
                            try await assign.choices(for: field)
                        }
                    post(.choices(field, labels))
                } catch is CancellationError {
                } catch {
                    post(.choicesFailed(String(describing: error)))
                }
            }
        case .change(let id, let field, let label):
            // Once: an update is not idempotent, so a failure is reported, never retried here.
            // Then the ticket is read back once: what the server holds is what is shown.
            trackWrite {
                do {
                    let (outcome, fresh) = try await api.assigning().changeAndConfirm(ticketID: id, field, to: label)
                    if let fresh { post(.detail(fresh)) }
                    post(.updated(id: id, field, label, outcome))
                } catch {
                    post(.updateFailed(id: id, field, label, error: String(describing: error)))
                }
            }
        case .bulkChange(let ids, let field, let label):
            bulk(ids) { id in
                let (outcome, _) = try await api.assigning().changeAndConfirm(ticketID: id, field, to: label)
                return .changed(outcome)
            }
        case .bulkNote(let ids, let text):
            bulk(ids) { id in
                try await api.notes().addNote(ticketID: id, text: text, visibility: .internal)
                return .noted
            }
        case .saveAttachment(let id, let attachment, let path, let replace):
            // Never over a file without the person's yes; fetched only when it can be written.
            track {
                do {
                    let target = AttachmentFile.resolve(path)
                    if !replace, AttachmentFile.exists(target) {
                        post(.attachmentExists(id: id, path: target))
                        return
                    }
                    try AttachmentFile.checkWritable(target)
                    let data = try await api.attachmentReader().attachmentData(ticketID: id, attachment)
                    try AttachmentFile.save(data, to: target, replace: replace)
                    post(.attachmentSaved(id: id, name: attachment.name, path: target, bytes: data.count))
                } catch AttachmentFile.Exists.exists(let target) {
                    post(.attachmentExists(id: id, path: target))
                } catch is CancellationError {
                } catch {
                    post(.attachmentSaveFailed(id: id, name: attachment.name, error: String(describing: error)))
                }
            }
        case .attach(let id, let path, let visibility):
            // Once, like a change: a failed upload is reported, not sent again.
            let fileLimit = api.client.policy.attachmentFileLimit
            trackWrite {
                let name = AttachmentFile.name(of: path)
                do {
                    let file = try AttachmentFile.read(path, fileLimit: fileLimit)
                    try await api.attacher().attach(
                        ticketID: id, fileName: file.name, data: file.data, visibility: visibility)
                    post(.attached(id: id, name: file.name, bytes: file.data.count, visibility))
                } catch is CancellationError {
                } catch {
                    post(.attachFailed(id: id, name: name, error: String(describing: error)))
                }
            }
        case .quit:
            stop()
        case .addNote(let id, let text, let visibility, let draft):
            // Once: a note the server may have taken is never sent again. The draft goes only
            // when the server took it; on any failure it stays, and its path is shown.
            trackWrite {
                do {
                    try await api.notes().addNote(ticketID: id, text: text, visibility: visibility)
                    unlink(draft)  // the server took it: the draft is no longer needed
                    post(.noteAdded(id: id, visibility: visibility))
                } catch {
                    post(.noteFailed(id: id, error: String(describing: error), path: draft))
                }
            }
        case .loadHistory(let days):
            let link = hostOurs
            track {
                guard let link, let chart = await link.chart(days) else {
                    post(.historyFailed("off (--no-history, history = false, or the store cannot be used)"))
                    return
                }
                post(.historyChart(chart))
            }
        case .logTime(let draft):
            // Once: an entry the server may have taken is never sent again.
            trackWrite {
                do {
                    let caveat = try await api.timeWriter().logTime(draft)
                    // The server took it: the summary's draft is no longer needed (kept on any failure).
                    if let path = draft.draftPath { unlink(path) }
                    post(.timeLogged(draft, caveat: caveat))
                } catch is CancellationError {
                } catch {
                    post(.timeFailed(draft, String(describing: error)))
                }
            }
        case .loadTime(let id):
            // Only on `E`: one query (and a name lookup for people not seen before).
            track {
                do {
                    post(.timeEntries(id: id, try await api.timeReader().timeEntries(ticketIDs: [id], names: true)))
                } catch is CancellationError {} catch { post(.timeEntriesFailed(id: id, String(describing: error))) }
            }
        case .copy, .open, .nextTheme, .writeNote, .keepDraft, .notify, .setTheme, .reload, .runProgram, .saveTimer,
            .openTimeDraft, .editTimeSummary:
            break  // the terminal's own: done by the UI loop
        case .forTenant(_, let c):
            handle(c)
        }
    }

    /// A change or a note to many: one ticket after another at bulk priority (under the quota
    /// ceiling), each sent once — and a change read back once, like a single one; a failure is
    /// said and never retried, and what psatop's stopping left unsent is said as such.
    func bulk(_ ids: [Int64], _ one: @escaping @Sendable (Int64) async throws -> BulkOutcome) {
        let post = self.post
        trackWrite {
            await RequestPriority.$current.withValue(.bulk) {
                for id in ids {
                    guard !Task.isCancelled else {
                        post(.bulkOutcome(id: id, .failed("not sent: psatop stopped")))
                        continue
                    }
                    do {
                        post(.bulkOutcome(id: id, try await one(id)))
                    } catch is CancellationError {
                        post(.bulkOutcome(id: id, .failed("cancelled (psatop stopped)")))
                    } catch {
                        post(.bulkOutcome(id: id, .failed(String(describing: error))))
                    }
                }
            }
            post(.bulkEnded)
        }
    }
}
